import { PurgeBatch, PurgeStatement, RetentionRepository } from 'src/analytics/retention/retention.repository';
import { RetentionService } from 'src/analytics/retention/retention.service';
import type { AppConfig } from 'src/config/app-config.service';
import type { AppRole } from 'src/config/app-role';
import { strictMock } from 'test/support/strict-mock';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-01T00:00:00Z');

function build(env: { analytics: number; transcript: number }, pending: Partial<Record<PurgeStatement, number>> = {}) {
  const left = { ...pending };
  const calls: { statement: PurgeStatement; cutoff: Date; limit: number }[] = [];
  const batch: PurgeBatch = (statement, cutoff, limit) => {
    calls.push({ statement, cutoff, limit });
    const n = Math.min(left[statement] ?? 0, limit);
    left[statement] = (left[statement] ?? 0) - n;
    return Promise.resolve(n);
  };
  let locked = false;
  const repository = strictMock<RetentionRepository>({
    withPurgeLock: async <T>(work: (b: PurgeBatch) => Promise<T>) => (locked ? null : work(batch)),
  });
  const config = strictMock<AppConfig>({
    get: (key: string) =>
      ({
        ANALYTICS_RETENTION_DAYS: env.analytics,
        TRANSCRIPT_RETENTION_DAYS: env.transcript,
        RETENTION_PURGE_INTERVAL_MS: 0,
      })[key],
  });
  const sut = new RetentionService(repository, config, strictMock<AppRole>());
  return { sut, calls, lock: () => (locked = true) };
}

describe(RetentionService.name, () => {
  it('deletes nothing and touches no table when both retentions are 0 (keep forever)', async () => {
    const { sut, calls } = build({ analytics: 0, transcript: 0 });
    expect(await sut.purgeOnce(NOW)).toEqual({
      analyticsEvents: 0,
      transcriptMessages: 0,
      transcriptEvents: 0,
      conversations: 0,
    });
    expect(calls).toEqual([]);
  });

  it('purges transcripts (messages, events, then conversations) before events, each at its own cutoff', async () => {
    const { sut, calls } = build({ analytics: 30, transcript: 90 }, { transcriptMessages: 3, conversations: 1 });
    expect(await sut.purgeOnce(NOW)).toEqual({
      analyticsEvents: 0,
      transcriptMessages: 3,
      transcriptEvents: 0,
      conversations: 1,
    });
    expect(calls.map((c) => [c.statement, NOW.getTime() - c.cutoff.getTime()])).toEqual([
      ['transcriptMessages', 90 * DAY_MS],
      ['transcriptEvents', 90 * DAY_MS],
      ['conversations', 90 * DAY_MS],
      ['events', 30 * DAY_MS],
    ]);
  });

  it('deletes in batches of 5,000 until a batch comes back short', async () => {
    const { sut, calls } = build({ analytics: 30, transcript: 0 }, { events: 10_001 });
    expect((await sut.purgeOnce(NOW))?.analyticsEvents).toBe(10_001);
    expect(calls.map((c) => c.limit)).toEqual([5000, 5000, 5000]);
  });

  it('skips the run when another instance holds the purge lock', async () => {
    const { sut, calls, lock } = build({ analytics: 30, transcript: 30 }, { events: 5 });
    lock();
    expect(await sut.purgeOnce(NOW)).toBeNull();
    expect(calls).toEqual([]);
  });
});
