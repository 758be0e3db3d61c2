import { type Api, businessPath } from '../api';
import { button, card, formatDate, h, table } from '../dom';
import { actionForm, FormErrors, inputField, textareaField } from '../form';
import { type ConsolePage, type PageContext, pause } from '../page';

interface Job {
  jobId: string;
  kind: 'documents' | 'files' | 'crawl';
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  message: string | null;
  counts: Record<string, number>;
  version: number | null;
}
interface Doc {
  documentId: string;
  url: string | null;
  title: string | null;
  category: string | null;
  sourceType: string;
  chunkCount: number;
  searchableChunkCount: number;
  updatedAt: string;
}
interface Version {
  version: number;
  active: boolean;
  reason: 'ingest' | 'delete';
  documentCount: number;
  chunkCount: number;
  createdAt: string;
  activatedAt: string | null;
}
interface Health {
  activeVersion: number | null;
  documents: number;
  chunks: number;
  embeddingModel: string;
  embeddingDimension: number;
  index: { vectors: number; capacity: number; lastOpenSource: string | null } | null;
  lastBuildAt: string | null;
  stale: boolean;
}
interface SearchResult {
  chunkId: string;
  url: string | null;
  title: string | null;
  text: string;
  category: string | null;
  score: number;
  vectorScore: number;
  keywordScore: number;
}

const POLL_MS = 400;
const jobLabel: Record<Job['kind'], string> = { documents: 'Documents', files: 'File upload', crawl: 'Site crawl' };

export const knowledgePage: ConsolePage = {
  id: 'knowledge',
  title: 'Knowledge base',
  scope: 'business',
  render(ctx) {
    const kb = (rest: string) => businessPath(ctx.businessId, `/knowledge${rest}`);
    const health = h('div', { class: 'stats' });
    const documents = h('div');
    const versions = h('div');
    // Outside the tables a refresh redraws, so "Deleted…" and "Version 1 is active…" stay readable.
    const docStatus = h('p', { class: 'status', role: 'status' });
    const versionStatus = h('p', { class: 'status', role: 'status' });
    const jobs = h('ul', { class: 'jobs', 'aria-label': 'Ingestion jobs' });
    const jobsEmpty = h('p', { class: 'empty' }, 'Jobs you start appear here with their progress.');

    const refresh = async () => {
      const [hl, docs, vers] = await Promise.all([
        ctx.api.get<Health>(kb('/health')),
        ctx.api.get<{ documents: Doc[]; total: number; totalChunks: number }>(kb('/documents')),
        ctx.api.get<{ versions: Version[]; activeVersion: number | null }>(kb('/versions')),
      ]);
      health.replaceChildren(...healthStats(hl));
      documents.replaceChildren(documentTable(ctx, docs.documents, docStatus, refresh));
      versions.replaceChildren(versionTable(ctx, vers.versions, vers.activeVersion, versionStatus, refresh));
    };

    const watch = (jobId: string) => {
      jobsEmpty.hidden = true;
      const item = jobItem(jobId);
      jobs.prepend(item.el);
      void followJob(ctx, kb(`/jobs/${encodeURIComponent(jobId)}`), item.update).then(
        (job) => (job.status === 'completed' ? refresh() : undefined),
        () => undefined,
      );
    };

    return refresh().then(() =>
      h(
        'div',
        { class: 'stack' },
        card('Health', health),
        h(
          'div',
          { class: 'columns' },
          card('Upload a file', uploadForm(ctx.api, kb('/files'), watch)),
          card('Crawl a site', crawlForm(ctx.api, kb('/crawl'), watch)),
          card('Paste NDJSON', ndjsonForm(ctx.api, kb('/documents'), watch)),
        ),
        card('Jobs', jobsEmpty, jobs),
        card('Search playground', searchForm(ctx.api, kb('/search'))),
        card('Documents', docStatus, documents),
        card(
          'Versions',
          h(
            'p',
            { class: 'help' },
            'Every ingestion or deletion builds a new version; activate an older one to roll back.',
          ),
          versionStatus,
          versions,
        ),
      ),
    );
  },
};

function healthStats(hl: Health): HTMLElement[] {
  const stat = (label: string, value: string) =>
    h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value));
  return [
    h(
      'dl',
      { class: 'stat-grid' },
      stat('Active version', hl.activeVersion === null ? 'none' : `v${hl.activeVersion}`),
      stat('Documents', String(hl.documents)),
      stat('Chunks', String(hl.chunks)),
      stat('Index vectors', hl.index ? `${hl.index.vectors} / ${hl.index.capacity}` : '—'),
      stat('Embeddings', `${hl.embeddingModel} (${hl.embeddingDimension})`),
      stat('Last build', formatDate(hl.lastBuildAt)),
      stat('Index state', hl.stale ? 'Behind the active version' : 'Up to date'),
    ),
  ];
}

function jobItem(jobId: string): { el: HTMLElement; update(job: Job): void } {
  const title = h('span', { class: 'job-title' }, `Job ${jobId.slice(0, 8)}`);
  const bar = h('progress', { max: 100, value: 0, 'aria-label': `Progress of job ${jobId.slice(0, 8)}` });
  const state = h('span', { class: 'job-state', role: 'status' }, 'Queued');
  const el = h('li', { class: 'job', 'data-job': jobId }, h('div', { class: 'job-head' }, title, state), bar);
  return {
    el,
    update(job) {
      title.textContent = `${jobLabel[job.kind]} · ${jobId.slice(0, 8)}`;
      bar.value = job.status === 'completed' ? 100 : job.progress;
      // The job's own message says what happened ("Completed: version 2 is active…"); before it has one, the status.
      state.textContent = job.message ?? `${job.status[0].toUpperCase()}${job.status.slice(1)}…`;
      el.dataset.status = job.status;
    },
  };
}

/** Polls the job API until the job ends or the page is left. */
async function followJob(ctx: PageContext, path: string, update: (job: Job) => void): Promise<Job> {
  for (;;) {
    const job = await ctx.api.get<Job>(path);
    if (ctx.signal.aborted) return job;
    update(job);
    if (job.status === 'completed' || job.status === 'failed') return job;
    await pause(POLL_MS, ctx.signal);
  }
}

function uploadForm(api: Api, path: string, watch: (jobId: string) => void): HTMLFormElement {
  const errors = new FormErrors();
  const file = inputField(errors, {
    path: 'file',
    label: 'File',
    type: 'file',
    help: 'PDF, DOCX, HTML, Markdown, TXT, CSV, or an NDJSON crawl export.',
    attrs: { accept: '.pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,.ndjson,.jsonl' },
  });
  const category = inputField(errors, { path: 'category', label: 'Category', help: 'Optional, e.g. Manuals.' });
  return actionForm(
    errors,
    {
      label: 'Upload',
      busyLabel: 'Uploading…',
      action: async () => {
        const chosen = file.input.files?.[0];
        if (!chosen) return errors.showProblems([{ path: 'file', message: 'Choose a file to upload.' }]);
        const body = new FormData();
        body.append('file', chosen);
        if (category.input.value.trim()) body.append('category', category.input.value.trim());
        const { jobId } = await api.request<{ jobId: string }>('POST', path, { body });
        watch(jobId);
        file.input.value = '';
        return `Queued ${chosen.name}.`;
      },
    },
    file.row,
    category.row,
  );
}

function crawlForm(api: Api, path: string, watch: (jobId: string) => void): HTMLFormElement {
  const errors = new FormErrors();
  const url = inputField(errors, { path: 'url', label: 'Start URL', type: 'url', attrs: { required: true } });
  const maxPages = inputField(errors, {
    path: 'maxPages',
    label: 'Max pages',
    type: 'number',
    value: 50,
    attrs: { min: 1 },
  });
  const maxDepth = inputField(errors, {
    path: 'maxDepth',
    label: 'Max depth',
    type: 'number',
    value: 3,
    attrs: { min: 0 },
  });
  return actionForm(
    errors,
    {
      label: 'Start crawl',
      busyLabel: 'Queuing…',
      action: async () => {
        const { jobId } = await api.post<{ jobId: string }>(path, {
          url: url.input.value.trim(),
          maxPages: Number(maxPages.input.value),
          maxDepth: Number(maxDepth.input.value),
        });
        watch(jobId);
        return 'Crawl queued.';
      },
    },
    url.row,
    h('div', { class: 'grid' }, maxPages.row, maxDepth.row),
  );
}

function ndjsonForm(api: Api, path: string, watch: (jobId: string) => void): HTMLFormElement {
  const errors = new FormErrors();
  const text = textareaField(errors, {
    path: 'body',
    label: 'NDJSON',
    rows: 4,
    help: 'One JSON object per line: {"url", "title", "text"} or the legacy crawl format. Errors name the line.',
    attrs: { spellcheck: 'false', class: 'mono' },
  });
  return actionForm(
    errors,
    {
      label: 'Ingest lines',
      busyLabel: 'Sending…',
      action: async () => {
        if (!text.input.value.trim())
          return errors.showProblems([{ path: 'body', message: 'Paste at least one line.' }]);
        const { jobId } = await api.request<{ jobId: string }>('POST', path, {
          body: text.input.value,
          contentType: 'application/x-ndjson',
        });
        watch(jobId);
        return 'Queued.';
      },
    },
    text.row,
  );
}

function searchForm(api: Api, path: string): HTMLElement {
  const errors = new FormErrors();
  const q = inputField(errors, { path: 'q', label: 'Question', type: 'search', attrs: { required: true } });
  const k = inputField(errors, { path: 'k', label: 'Results', type: 'number', value: 5, attrs: { min: 1, max: 20 } });
  k.row.classList.add('narrow');
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const form = actionForm(
    errors,
    {
      label: 'Search',
      busyLabel: 'Searching…',
      action: async () => {
        const res = await api.get<{ results: SearchResult[]; confidence: number; version: number | null }>(path, {
          q: q.input.value,
          k: k.input.value,
        });
        results.replaceChildren(
          h('p', { class: 'meta' }, `Confidence ${res.confidence.toFixed(2)} · version ${res.version ?? '—'}`),
          res.results.length
            ? h(
                'ol',
                { class: 'hits' },
                res.results.map((r) =>
                  h(
                    'li',
                    { class: 'hit' },
                    h(
                      'div',
                      { class: 'hit-head' },
                      h('strong', null, r.title ?? r.url ?? r.chunkId),
                      h(
                        'span',
                        { class: 'scores' },
                        h('span', { class: 'score' }, `score ${r.score.toFixed(3)}`),
                        ` vector ${r.vectorScore.toFixed(3)} · keyword ${r.keywordScore.toFixed(3)}`,
                      ),
                    ),
                    r.url ? h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, r.url) : null,
                    h('p', null, r.text.length > 320 ? `${r.text.slice(0, 320)}…` : r.text),
                  ),
                ),
              )
            : h('p', { class: 'empty' }, 'No passage matched.'),
        );
      },
      class: 'inline-form',
    },
    q.row,
    k.row,
  );
  return h('div', { class: 'stack' }, form, results);
}

function documentTable(ctx: PageContext, docs: Doc[], status: HTMLElement, refresh: () => Promise<void>): HTMLElement {
  return h(
    'div',
    null,
    table(
      'Documents',
      ['Title', 'Source', 'Category', 'Chunks', 'Updated', ''],
      docs.map((d) => [
        h('div', null, h('strong', null, d.title ?? 'Untitled'), d.url ? h('div', { class: 'sub' }, d.url) : null),
        d.sourceType,
        d.category ?? '—',
        `${d.searchableChunkCount} / ${d.chunkCount}`,
        formatDate(d.updatedAt),
        button(
          'Delete',
          async () => {
            if (!confirm(`Delete “${d.title ?? d.documentId}” from the knowledge base?`)) return;
            try {
              const res = await ctx.api.delete<{ version: number }>(
                businessPath(ctx.businessId, `/knowledge/documents/${encodeURIComponent(d.documentId)}`),
              );
              status.textContent = `Deleted; version ${res.version} is active.`;
              await refresh();
            } catch (error) {
              status.textContent = error instanceof Error ? error.message : String(error);
            }
          },
          { class: 'danger-link', 'aria-label': `Delete ${d.title ?? d.documentId}` },
        ),
      ]),
    ),
  );
}

function versionTable(
  ctx: PageContext,
  versions: Version[],
  active: number | null,
  status: HTMLElement,
  refresh: () => Promise<void>,
): HTMLElement {
  return h(
    'div',
    null,
    table(
      'Versions',
      ['Version', 'Built by', 'Documents', 'Chunks', 'Created', ''],
      versions.map((v) => [
        h('span', null, `v${v.version}`, v.active ? h('span', { class: 'badge' }, 'active') : null),
        v.reason === 'ingest' ? 'Ingestion' : 'Deletion',
        String(v.documentCount),
        String(v.chunkCount),
        formatDate(v.createdAt),
        v.active
          ? ''
          : button(
              active !== null && v.version < active ? `Roll back to v${v.version}` : `Activate v${v.version}`,
              async () => {
                try {
                  const res = await ctx.api.post<{ activeVersion: number; previousVersion: number | null }>(
                    businessPath(ctx.businessId, `/knowledge/versions/${v.version}/activate`),
                  );
                  status.textContent = `Version ${res.activeVersion} is active (was ${res.previousVersion ?? 'none'}).`;
                  await refresh();
                } catch (error) {
                  status.textContent = error instanceof Error ? error.message : String(error);
                }
              },
            ),
      ]),
    ),
  );
}
