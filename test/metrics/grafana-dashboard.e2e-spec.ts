import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PrometheusMetrics } from 'src/metrics/prometheus.metrics';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(join(__dirname, '../../ops/grafana/concierge.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
};

/** Every series name the app can expose: histograms as their _bucket, _count and _sum series. */
async function exposedSeries(): Promise<Set<string>> {
  const metrics = await new PrometheusMetrics('off').registry.getMetricsAsJSON();
  return new Set(
    metrics.flatMap(({ name, type }) =>
      String(type) === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name],
    ),
  );
}

describe('Grafana dashboard ops/grafana/concierge.json', () => {
  const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('has a query on every panel that is not a row', () => {
    expect(dashboard.uid).toBe('concierge-platform');
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(panel.targets?.length).toBeGreaterThan(0);
  });

  it('queries only series the app exposes, under their exact names', async () => {
    const exposed = await exposedSeries();
    const referenced = queries.flatMap(({ panel, expr }) =>
      [...expr.matchAll(/\b((?:concierge|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => ({ panel, name: m[1] })),
    );
    expect(referenced.length).toBeGreaterThan(20);
    expect(referenced.filter(({ name }) => !exposed.has(name))).toEqual([]);
  });

  it('covers every concierge_ metric the app records', async () => {
    const names = (await new PrometheusMetrics('off').registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((n) => n.startsWith('concierge_'));
    const text = queries.map((q) => q.expr).join('\n');
    expect(names.filter((n) => !text.includes(n))).toEqual([]);
  });
});
