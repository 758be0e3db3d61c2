import type { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import type { AppRoleName } from 'src/config/env.schema';
import { KnowledgeJobSweeper } from 'src/rag/jobs/knowledge-job.sweeper';
import { JOB_STALE_AFTER_SECONDS, KnowledgeJobQueue } from 'src/rag/jobs/knowledge-job-queue.port';
import type { KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { strictMock } from 'test/support/strict-mock';

const settings = (sweepMs: number, worker = true, role: AppRoleName = 'all') =>
  strictMock<AppConfig>({
    get: (key: string) => ({ KB_JOB_SWEEP_MS: sweepMs, KB_JOBS_WORKER: worker, APP_ROLE: role })[key],
  });
const sweeper = (jobs: KbJobRepository, queue: KnowledgeJobQueue, config: AppConfig) =>
  new KnowledgeJobSweeper(jobs, queue, config, new AppRole(config));

describe(KnowledgeJobSweeper.name, () => {
  afterEach(() => jest.useRealTimers());

  it('hands every job Postgres still holds as resumable to the queue', async () => {
    const jobs = strictMock<KbJobRepository>({
      listResumableAnyTenant: jest.fn().mockResolvedValue(['job-1', 'job-2']),
    });
    const queue = strictMock<KnowledgeJobQueue>({ enqueue: jest.fn().mockResolvedValue(undefined) });
    const sut = sweeper(jobs, queue, settings(1000));
    await expect(sut.sweepOnce()).resolves.toBe(2);
    expect(jobs.listResumableAnyTenant).toHaveBeenCalledWith(JOB_STALE_AFTER_SECONDS);
    expect(queue.enqueue).toHaveBeenNthCalledWith(1, 'job-1');
    expect(queue.enqueue).toHaveBeenNthCalledWith(2, 'job-2');
  });

  it('keeps sweeping on its interval after a pass fails', async () => {
    jest.useFakeTimers();
    const listResumableAnyTenant = jest
      .fn()
      .mockRejectedValueOnce(new Error('Connection is closed.'))
      .mockResolvedValue(['job-1']);
    const enqueue = jest.fn().mockResolvedValue(undefined);
    const sut = sweeper(
      strictMock<KbJobRepository>({ listResumableAnyTenant }),
      strictMock<KnowledgeJobQueue>({ enqueue }),
      settings(1000),
    );
    jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1000);
    expect(enqueue).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1000);
    expect(enqueue).toHaveBeenCalledWith('job-1');
    await sut.onModuleDestroy();
  });

  it.each([
    ['the interval is 0', settings(0)],
    ['this instance runs no jobs', settings(1000, false)],
    ['this instance has the api role', settings(1000, true, 'api')],
  ])('does not sweep when %s', async (_label, config) => {
    jest.useFakeTimers();
    const listResumableAnyTenant = jest.fn().mockResolvedValue([]);
    const sut = sweeper(
      strictMock<KbJobRepository>({ listResumableAnyTenant }),
      strictMock<KnowledgeJobQueue>(),
      config,
    );
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5000);
    expect(listResumableAnyTenant).not.toHaveBeenCalled();
    await sut.onModuleDestroy();
  });
});
