import { createHash } from 'node:crypto';

import { ChunkingOptions, chunkText, DEFAULT_CHUNKING } from 'src/rag/processing/chunker';
import { normalizeInline, normalizeText } from 'src/rag/processing/text-normalizer';

export type SourceType = 'json' | 'ndjson' | 'file' | 'crawl';

/** One document as it enters the pipeline, whatever its origin. */
export interface SourceDocument {
  sourceType: SourceType;
  url?: string | null;
  title?: string | null;
  text: string;
  category?: string | null;
  metadata?: Record<string, unknown>;
  /** Identity for incremental re-ingestion; derived from the URL (else title, else text) when absent. */
  sourceKey?: string;
}

export interface PreparedChunk {
  chunkIndex: number;
  text: string;
  /** sha256 of the normalized chunk text: duplicates and boilerplate are found by it. */
  contentHash: string;
  /** sha256 of what is embedded (title + text): an embedding is reused whenever this matches. */
  embedHash: string;
  /** Identity of the stored row: same document, same position, same text and metadata → same row. */
  rowKey: string;
  metadata: Record<string, unknown>;
}

export interface PreparedDocument {
  sourceKey: string;
  sourceType: SourceType;
  url: string | null;
  title: string | null;
  category: string | null;
  metadata: Record<string, unknown>;
  contentHash: string;
  chunks: PreparedChunk[];
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** What the embedder sees for a chunk: its page title gives short chunks their subject. */
export function embeddingInput(title: string | null, text: string): string {
  return title ? `${title}\n${text}` : text;
}

/** Tracking parameters and fragments never distinguish two documents. */
export function canonicalUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.hash = '';
    for (const key of [...url.searchParams.keys()]) {
      if (/^(utm_|fbclid$|gclid$|mc_|_hs|ref$)/i.test(key)) url.searchParams.delete(key);
    }
    return url.toString();
  } catch {
    return raw.trim();
  }
}

export function prepareDocument(doc: SourceDocument, options: ChunkingOptions = DEFAULT_CHUNKING): PreparedDocument {
  const url = doc.url ? canonicalUrl(doc.url.trim()) : null;
  const title = normalizeInline(doc.title);
  const category = normalizeInline(doc.category);
  const metadata = doc.metadata ?? {};
  const text = normalizeText(doc.text);
  const sourceKey = doc.sourceKey ?? (url ? url : title ? `title:${title}` : `text:${sha256(text)}`);
  const metaJson = stableJson(metadata);
  const chunks = chunkText(text, options).map((c, chunkIndex): PreparedChunk => {
    const contentHash = sha256(c.text);
    const chunkMeta = c.heading ? { ...metadata, heading: c.heading } : metadata;
    return {
      chunkIndex,
      text: c.text,
      contentHash,
      embedHash: sha256(embeddingInput(title, c.text)),
      rowKey: sha256(
        [sourceKey, chunkIndex, contentHash, title ?? '', url ?? '', category ?? '', stableJson(chunkMeta)].join(
          '\u0000',
        ),
      ),
      metadata: chunkMeta,
    };
  });
  return {
    sourceKey,
    sourceType: doc.sourceType,
    url,
    title,
    category,
    metadata,
    contentHash: sha256([text, title ?? '', url ?? '', category ?? '', metaJson].join('\u0000')),
    chunks,
  };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
