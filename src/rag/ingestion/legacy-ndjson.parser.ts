import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import type { SourceDocument } from 'src/rag/processing/source-document';

interface LegacyLine {
  url?: unknown;
  title?: unknown;
  text?: unknown;
  checksum?: unknown;
  fetched_at?: unknown;
  chunk_id?: unknown;
  category?: unknown;
}

const MAX_LINES = 100_000;

/**
 * The legacy crawler wrote one `{url, title, text, checksum, fetched_at, chunk_id, category}` per line, splitting long
 * pages into `<url>#chunk-N` lines. Lines of one page are joined back into one document (in chunk order) so the
 * page is re-chunked by our own rules and re-ingesting the same crawl is recognised as unchanged.
 */
export function parseLegacyNdjson(body: string): SourceDocument[] {
  const pages = new Map<
    string,
    { first: LegacyLine; parts: Array<{ order: number; text: string }>; fetchedAt?: number }
  >();
  const lines = body.split(/\r?\n/);
  if (lines.length > MAX_LINES)
    throw KnowledgeErrors.invalidNdjson(MAX_LINES + 1, `at most ${MAX_LINES} lines per upload`);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (!raw.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw KnowledgeErrors.invalidNdjson(lineNo, 'not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw KnowledgeErrors.invalidNdjson(lineNo, 'must be a JSON object');
    const line = parsed as LegacyLine;
    if (typeof line.text !== 'string' || !line.text.trim())
      throw KnowledgeErrors.invalidNdjson(lineNo, 'text must be a non-empty string');
    for (const key of ['url', 'title', 'category', 'chunk_id'] as const) {
      if (line[key] !== undefined && line[key] !== null && typeof line[key] !== 'string') {
        throw KnowledgeErrors.invalidNdjson(lineNo, `${key} must be a string`);
      }
    }
    const chunkId = typeof line.chunk_id === 'string' ? line.chunk_id : undefined;
    const url = typeof line.url === 'string' && line.url ? line.url : chunkId?.split('#')[0];
    const key = url ?? `line:${lineNo}`;
    const order = chunkId ? Number(/#chunk-(\d+)$/.exec(chunkId)?.[1] ?? lineNo) : lineNo;
    let page = pages.get(key);
    if (!page) pages.set(key, (page = { first: { ...line, url }, parts: [] }));
    page.parts.push({ order, text: line.text });
    if (typeof line.fetched_at === 'number') page.fetchedAt = Math.max(page.fetchedAt ?? 0, line.fetched_at);
  });
  if (!pages.size) throw KnowledgeErrors.invalidNdjson(1, 'the body has no documents');
  return [...pages.values()].map(({ first, parts, fetchedAt }) => ({
    sourceType: 'ndjson' as const,
    url: typeof first.url === 'string' ? first.url : null,
    title: typeof first.title === 'string' ? first.title : null,
    category: typeof first.category === 'string' ? first.category : null,
    text: parts
      .sort((a, b) => a.order - b.order)
      .map((p) => p.text)
      // The legacy crawler cut pages mid-sentence, so parts are rejoined as one paragraph.
      .join(' '),
    metadata: fetchedAt ? { fetchedAt: new Date(fetchedAt * 1000).toISOString() } : {},
  }));
}
