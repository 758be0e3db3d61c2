import { PrometheusMetrics } from 'src/metrics/prometheus.metrics';

async function value(sut: PrometheusMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = sut.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe(PrometheusMetrics.name, () => {
  it('labels opted-in tenants by id and folds the rest into "other"', async () => {
    const sut = new PrometheusMetrics('acme');
    sut.responseCache('acme', 'hit');
    sut.responseCache('globex', 'hit');
    sut.responseCache('initech', 'miss');
    const name = 'concierge_response_cache_lookups_total';
    expect(await value(sut, name, { tenant: 'acme', result: 'hit' })).toBe(1);
    expect(await value(sut, name, { tenant: 'other', result: 'hit' })).toBe(1);
    expect(await value(sut, name, { tenant: 'other', result: 'miss' })).toBe(1);
    expect((await sut.render()).includes('globex')).toBe(false);
  });

  it('adds reported tokens and their estimated cost per model', async () => {
    const sut = new PrometheusMetrics('off');
    const call = { provider: 'gemini', model: 'gemini-2.5-flash', operation: 'generate' as const, seconds: 0.2 };
    sut.modelCall({ ...call, outcome: 'ok', usage: { inputTokens: 1000, outputTokens: 500 } });
    sut.modelCall({ ...call, outcome: 'error' });
    expect(await value(sut, 'concierge_model_calls_total', { outcome: 'ok' })).toBe(1);
    expect(await value(sut, 'concierge_model_calls_total', { outcome: 'error' })).toBe(1);
    expect(await value(sut, 'concierge_model_tokens_total', { direction: 'input' })).toBe(1000);
    expect(await value(sut, 'concierge_model_tokens_total', { direction: 'output' })).toBe(500);
    expect(await value(sut, 'concierge_model_cost_usd_total')).toBeCloseTo(0.00155, 10);
  });

  it('reads the voice counters and the outbox depth at scrape time', async () => {
    const sut = new PrometheusMetrics('off');
    const counters = {
      callsActive: 2,
      callsTotal: 5,
      framesIn: 100,
      framesOut: 80,
      framesDropped: 1,
      bargeIns: 3,
      modelFailures: 0,
    };
    sut.readVoiceCounters(counters);
    sut.readOutboxDepth(() => Promise.resolve({ pending: 4 }));
    expect(await value(sut, 'concierge_voice_calls_active')).toBe(2);
    expect(await value(sut, 'concierge_voice_frames_total', { direction: 'in' })).toBe(100);
    counters.framesIn = 150;
    expect(await value(sut, 'concierge_voice_frames_total', { direction: 'in' })).toBe(150);
    expect(await value(sut, 'concierge_crm_outbox_depth', { status: 'pending' })).toBe(4);
    expect(await value(sut, 'concierge_crm_outbox_depth', { status: 'processing' })).toBe(0);
  });

  it('keeps the last outbox depth when the count fails, so a scrape never fails', async () => {
    const sut = new PrometheusMetrics('off');
    let fail = false;
    sut.readOutboxDepth(() => (fail ? Promise.reject(new Error('db down')) : Promise.resolve({ pending: 7 })));
    expect(await value(sut, 'concierge_crm_outbox_depth', { status: 'pending' })).toBe(7);
    fail = true;
    expect(await value(sut, 'concierge_crm_outbox_depth', { status: 'pending' })).toBe(7);
    await expect(sut.render()).resolves.toContain('concierge_crm_outbox_depth');
  });
});
