import { AppError } from 'src/common/errors/app-error';
import { parseLegacyNdjson } from 'src/rag/ingestion/legacy-ndjson.parser';

const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe(parseLegacyNdjson.name, () => {
  it('joins the chunks of one page in chunk order into one document', () => {
    const body = [
      line({
        url: 'https://x.example/p',
        title: 'P',
        text: 'second half.',
        chunk_id: 'https://x.example/p#chunk-1',
        category: 'Legal',
        fetched_at: 1770320469,
      }),
      line({
        url: 'https://x.example/p',
        title: 'P',
        text: 'First half and',
        chunk_id: 'https://x.example/p#chunk-0',
        category: 'Legal',
        fetched_at: 1770320400,
      }),
      '',
      line({ url: 'https://x.example/q', title: 'Q', text: 'Other page', chunk_id: 'https://x.example/q#chunk-0' }),
    ].join('\n');
    const docs = parseLegacyNdjson(body);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({
      sourceType: 'ndjson',
      url: 'https://x.example/p',
      title: 'P',
      category: 'Legal',
      text: 'First half and second half.',
    });
    expect(docs[0].metadata).toEqual({ fetchedAt: new Date(1770320469 * 1000).toISOString() });
  });

  it('names the line of the first invalid record', () => {
    const bad = `${line({ text: 'ok' })}\nnot json\n`;
    expect(() => parseLegacyNdjson(bad)).toThrow(AppError);
    expect(() => parseLegacyNdjson(bad)).toThrow('NDJSON line 2: not valid JSON');
    expect(() => parseLegacyNdjson(line({ text: '' }))).toThrow('line 1: text must be a non-empty string');
    expect(() => parseLegacyNdjson(line({ text: 'x', title: 5 }))).toThrow('line 1: title must be a string');
    expect(() => parseLegacyNdjson('\n\n')).toThrow('no documents');
  });
});
