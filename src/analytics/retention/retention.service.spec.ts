import { PurgeBatch, PurgeStatement, RetentionRepository } from 'src/analytics/retention/retention.repository';
import { RetentionService } from 'src/analytics/retention/retention.service';
import type { AppConfig } from 'src/config/app-config.service';
import type { AppRole } from 'src/config/app-role';
import { strictMock } from 'test/support/strict-mock';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-01T00:00:00Z');

function build(
  env: { analytics: number; transcript: number; intervalMs?: number; role?: AppRole },
  pending: Partial<Record<PurgeStatement, number>> = {},
) {
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
        RETENTION_PURGE_INTERVAL_MS: env.intervalMs ?? 0,
      })[key],
  });
  const sut = new RetentionService(repository, config, env.role ?? strictMock<AppRole>());
  return { sut, calls, lock: () => (locked = true) };
}

describe(RetentionService.name, () => {
  it('deletes nothing and touches no table when both retentions are 0 (keep forever)', async () => {
    const { sut, calls } = build({ analytics: 0, transcript: 0 });
    expect(await sut.purgeOnce(NOW)).toEqual({
      analyticsEvents: 0,
      transcriptMessages: 0,
      transcriptEvents: 0,
      transcriptHandoffs: 0,
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
      transcriptHandoffs: 0,
      conversations: 1,
    });
    expect(calls.map((c) => [c.statement, NOW.getTime() - c.cutoff.getTime()])).toEqual([
      ['transcriptMessages', 90 * DAY_MS],
      ['transcriptEvents', 90 * DAY_MS],
      ['transcriptHandoffs', 90 * DAY_MS],
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

  describe('the loop', () => {
    afterEach(() => jest.useRealTimers());

    const role = (runs: boolean) => {
      const asked: { loop: string; enabled: boolean }[] = [];
      return {
        asked,
        role: strictMock<AppRole>({
          runsLoop: (loop: string, enabled = true) => {
            asked.push({ loop, enabled });
            return runs && enabled;
          },
        }),
      };
    };

    it('runs a minute after start, then every interval, on an instance whose role runs background work', async () => {
      jest.useFakeTimers({ now: NOW });
      const worker = role(true);
      const { sut, calls } = build({ analytics: 30, transcript: 0, intervalMs: 3_600_000, role: worker.role });
      sut.onApplicationBootstrap();
      expect(worker.asked).toEqual([{ loop: 'analytics and transcript retention purge', enabled: true }]);
      await jest.advanceTimersByTimeAsync(59_000);
      expect(calls).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(calls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect(calls).toHaveLength(2);
      await sut.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect(calls).toHaveLength(2);
    });

    it('does not start with both retentions at 0, nor on an api instance', async () => {
      jest.useFakeTimers({ now: NOW });
      const off = role(true);
      const idle = build({ analytics: 0, transcript: 0, intervalMs: 3_600_000, role: off.role });
      idle.sut.onApplicationBootstrap();
      expect(off.asked).toEqual([{ loop: 'analytics and transcript retention purge', enabled: false }]);
      const api = role(false);
      const onApi = build({ analytics: 30, transcript: 30, intervalMs: 3_600_000, role: api.role });
      onApi.sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(2 * 3_600_000);
      expect([...idle.calls, ...onApi.calls]).toEqual([]);
    });
  });
});
