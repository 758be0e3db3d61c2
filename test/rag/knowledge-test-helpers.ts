import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { businessFactory } from 'test/factories/business.factory';
import type { TestApp } from 'test/support/test-app';

/** CI checks the repository out next to ../shared, as on the development machine. */
export const GOACCEL_KB = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'goaccel-kb.jsonl');
export const goaccelNdjson = () => readFileSync(GOACCEL_KB, 'utf8');

export interface JobBody {
  jobId: string;
  kind: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  message: string | null;
  counts: Record<string, number>;
  version: number | null;
}

export interface SearchBody {
  results: Array<{
    chunkId: string;
    documentId: string;
    url: string | null;
    title: string | null;
    text: string;
    score: number;
    vectorScore: number;
    keywordScore: number;
  }>;
  confidence: number;
  version: number | null;
}

export const kbPath = (businessId: string, rest = '') => `/admin/business/${businessId}/knowledge${rest}`;

export async function createTenant(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const business = businessFactory.build(overrides);
  await t.http.post('/admin/business').set(t.admin).send(business).expect(201);
  return business.businessId as string;
}

/** Polls a job until it finishes; fails the test on timeout. */
export async function waitForJob(t: TestApp, businessId: string, jobId: string, timeoutMs = 60_000): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http
      .get(kbPath(businessId, `/jobs/${jobId}`))
      .set(t.admin)
      .expect(200);
    const job = res.body as JobBody;
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** POSTs JSON documents and waits for the job to complete. */
export async function ingestDocuments(t: TestApp, businessId: string, documents: object[]): Promise<JobBody> {
  const res = await t.http.post(kbPath(businessId, '/documents')).set(t.admin).send({ documents }).expect(202);
  return waitForJob(t, businessId, (res.body as { jobId: string }).jobId);
}

export async function ingestNdjson(t: TestApp, businessId: string, body: string): Promise<JobBody> {
  const res = await t.http
    .post(kbPath(businessId, '/documents'))
    .set(t.admin)
    .set('Content-Type', 'application/x-ndjson')
    .send(body)
    .expect(202);
  return waitForJob(t, businessId, (res.body as { jobId: string }).jobId);
}

export async function search(
  t: TestApp,
  businessId: string,
  q: string,
  extra: Record<string, string | number> = {},
): Promise<SearchBody> {
  const res = await t.http
    .get(kbPath(businessId, '/search'))
    .query({ q, ...extra })
    .set(t.admin)
    .expect(200);
  return res.body as SearchBody;
}
