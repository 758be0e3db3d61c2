import { card, h } from '../dom';
import type { ConsolePage } from '../page';

type Percentiles = Record<string, number | null>;

/** Live counters of this instance's phone calls (GET /admin/voice/metrics): counts, then latency percentiles. */
export const voiceMetricsPage: ConsolePage = {
  id: 'voice-metrics',
  title: 'Voice metrics',
  scope: 'platform',
  async render(ctx) {
    const { metrics } = await ctx.api.get<{ metrics: Record<string, number | Percentiles> }>('/admin/voice/metrics');
    const words = (key: string) => key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
    const stat = (label: string, value: string) =>
      h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value));
    const counts = Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number');
    const timings = Object.entries(metrics).filter((e): e is [string, Percentiles] => typeof e[1] === 'object');
    return h(
      'div',
      { class: 'stack' },
      card(
        'Calls on this instance',
        h(
          'dl',
          { class: 'stat-grid' },
          counts.map(([k, v]) => stat(words(k), String(v))),
        ),
      ),
      card(
        'Latency',
        h(
          'dl',
          { class: 'stat-grid' },
          timings.flatMap(([k, p]) =>
            Object.entries(p).map(([q, v]) => stat(`${words(k)} ${q}`, v === null ? '—' : `${Math.round(v)} ms`)),
          ),
        ),
      ),
    );
  },
};
