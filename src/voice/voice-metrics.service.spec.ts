import { Metrics, type VoiceCounters } from 'src/common/metrics/metrics.port';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';
import { strictMock } from 'test/support/strict-mock';

describe(VoiceMetrics.name, () => {
  it('hands its running totals to the metrics port and reports each time to first audio in seconds', () => {
    let registered: VoiceCounters | undefined;
    const firstAudio: number[] = [];
    const metrics = strictMock<Metrics>({
      readVoiceCounters: (c: VoiceCounters) => (registered = c),
      voiceFirstAudio: (s: number) => firstAudio.push(s),
    });
    const sut = new VoiceMetrics(metrics);
    sut.callsActive++;
    sut.framesIn += 50;
    sut.recordResponseLatency(640);

    expect(registered).toBe(sut);
    expect(registered).toMatchObject({ callsActive: 1, framesIn: 50 });
    expect(firstAudio).toEqual([0.64]);
    expect(sut.snapshot().responseLatencyMs.p50).toBe(640);
  });

  it('works without a metrics port', () => {
    const sut = new VoiceMetrics();
    sut.recordResponseLatency(100);
    expect(sut.snapshot().responseLatencyMs.p50).toBe(100);
  });
});
