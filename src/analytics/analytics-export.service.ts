import { pipeline, Readable, Transform } from 'node:stream';

import { Injectable, StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify';

import { AnalyticsErrors } from 'src/analytics/analytics.errors';
import { AnalyticsExportRepository, ExportKind } from 'src/analytics/analytics-export.repository';
import { parseRange, RawQuery } from 'src/analytics/analytics-query';
import { TenantService } from 'src/tenant/tenant.service';

type Format = 'csv' | 'ndjson';

const CSV_COLUMNS: Record<ExportKind, string[]> = {
  sessions: ['session_id', 'channel', 'started_at', 'last_message_at', 'message_count', 'tags'],
  events: ['id', 'session_id', 'channel', 'type', 'created_at', 'payload'],
};

function csvCell(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}

/** Sessions or events of a range as CSV or NDJSON, streamed from a database cursor (never held in memory whole). */
@Injectable()
export class AnalyticsExportService {
  constructor(
    private readonly tenants: TenantService,
    private readonly exports: AnalyticsExportRepository,
  ) {}

  async export(businessId: string, raw: RawQuery): Promise<StreamableFile> {
    const format = raw.format ?? 'ndjson';
    if (format !== 'csv' && format !== 'ndjson') throw AnalyticsErrors.invalidParam('format', 'must be csv or ndjson');
    const kind = raw.kind ?? 'sessions';
    if (kind !== 'sessions' && kind !== 'events')
      throw AnalyticsErrors.invalidParam('kind', 'must be sessions or events');
    const range = parseRange(raw, new Date());
    await this.tenants.get(businessId);
    const rows = await this.exports.stream(businessId, kind, range);
    const body = this.encode(rows, format, kind);
    return new StreamableFile(body, {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      disposition: `attachment; filename="${kind}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
    });
  }

  private encode(rows: Readable, format: Format, kind: ExportKind): Readable {
    const encoder =
      format === 'csv'
        ? stringify({
            header: true,
            columns: CSV_COLUMNS[kind],
            cast: { date: (d) => d.toISOString(), object: csvCell },
          })
        : new Transform({
            writableObjectMode: true,
            transform(row: Record<string, unknown>, _enc, done) {
              done(null, `${JSON.stringify(row)}\n`);
            },
          });
    // pipeline destroys the cursor stream (releasing its connection) when the response is torn down early.
    return pipeline(rows, encoder, () => undefined);
  }
}
