import uPlot from 'uplot';

import { h, table } from './dom';

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

/**
 * A time-series line chart (uPlot draws on a canvas and sizes it through the CSSOM, which the console's CSP
 * allows), sized to its container and redrawn when that changes. A canvas says nothing to a screen reader, so the
 * same numbers are in a table under it.
 */
export function timeSeriesChart(o: {
  caption: string;
  /** Bucket starts, ISO 8601. */
  buckets: string[];
  series: ChartSeries[];
  /** The zone the buckets are in, so axis labels read as local days and hours there. */
  tz: string;
  interval: 'day' | 'hour';
  signal: AbortSignal;
}): HTMLElement {
  const plot = h('div', { class: 'chart-plot', 'aria-hidden': 'true' });
  const xs = o.buckets.map((b) => Date.parse(b) / 1000);
  const data: uPlot.AlignedData = [xs, ...o.series.map((s) => s.values)];
  let chart: uPlot | null = null;
  const observer = new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width <= 0) return;
    if (chart) return chart.setSize({ width, height: CHART_HEIGHT });
    chart = new uPlot(
      {
        width,
        height: CHART_HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), o.tz),
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: { x: { time: true } },
        axes: [
          { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } },
          { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID }, size: 48 },
        ],
        series: [
          {
            label: o.interval === 'hour' ? 'Hour' : 'Day',
            value: o.interval === 'hour' ? '{YYYY}-{MM}-{DD} {HH}:00' : '{YYYY}-{MM}-{DD}',
          },
          ...o.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: xs.length <= 45 },
            value: (_: uPlot, v: number | null) => (v === null ? '—' : String(v)),
          })),
        ],
      },
      data,
      plot,
    );
  });
  observer.observe(plot);
  o.signal.addEventListener('abort', () => {
    observer.disconnect();
    chart?.destroy();
  });
  const label = (iso: string) =>
    new Date(iso).toLocaleString(undefined, {
      timeZone: o.tz,
      dateStyle: 'medium',
      ...(o.interval === 'hour' ? { timeStyle: 'short' } : {}),
    });
  return h(
    'figure',
    { class: 'chart' },
    plot,
    h('figcaption', { class: 'sr-only' }, o.caption),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', null, 'Show the numbers'),
      table(
        o.caption,
        [o.interval === 'hour' ? 'Hour' : 'Day', ...o.series.map((s) => s.label)],
        o.buckets.map((b, i) => [label(b), ...o.series.map((s) => String(s.values[i]))]),
      ),
    ),
  );
}

const CHART_HEIGHT = 280;
const AXIS = '#555f6d';
const GRID = '#e6e9ef';

/** Horizontal bars for counts by key: the bar is decoration, the text says the number and the share. */
export function barList(
  caption: string,
  items: readonly { label: string; count: number; note?: string }[],
  total = items.reduce((sum, i) => sum + i.count, 0),
): HTMLElement {
  if (!items.length) return h('p', { class: 'empty' }, `${caption}: none in this range.`);
  const max = Math.max(1, ...items.map((i) => i.count));
  return h(
    'ul',
    { class: 'bars', 'aria-label': caption },
    items.map((item) => {
      const fill = h('span', { class: 'bar-fill' });
      // CSSOM, not a style attribute: the console's CSP allows no inline styles.
      fill.style.width = `${(item.count / max) * 100}%`;
      const share = total > 0 ? ` · ${Math.round((item.count / total) * 100)} %` : '';
      return h(
        'li',
        null,
        h('span', { class: 'bar-label' }, item.label),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        h(
          'span',
          { class: 'bar-value' },
          `${item.count}${share}`,
          item.note ? h('span', { class: 'sub' }, ` ${item.note}`) : null,
        ),
      );
    }),
  );
}
