import { parse } from 'csv-parse/sync';

/** Picks the delimiter that splits the header line into the most fields (quoted sections ignored). */
function sniffDelimiter(source: string, filename: string): string {
  if (filename.toLowerCase().endsWith('.tsv')) return '\t';
  const header = (source.split(/\r?\n/, 1)[0] ?? '').replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t', '|'].map((d) => [d, header.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

/**
 * One record per paragraph, as `header: value; header: value`, so each row of a catalog or FAQ sheet reads as a
 * self-contained statement to the retriever. Empty cells are left out.
 */
export function csvToText(source: string, filename: string): string {
  const rows = parse(source, {
    delimiter: sniffDelimiter(source, filename),
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  if (rows.length < 2) return '';
  const headers = rows[0].map((h, i) => h || `column ${i + 1}`);
  return rows
    .slice(1)
    .map((row) =>
      row
        .map((value, i) => (value ? `${headers[i] ?? `column ${i + 1}`}: ${value.replace(/\s+/g, ' ')}` : ''))
        .filter(Boolean)
        .join('; '),
    )
    .filter(Boolean)
    .join('\n\n');
}
