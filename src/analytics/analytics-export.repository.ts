import type { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

import type { TimeRange } from 'src/analytics/analytics-query';

export type ExportKind = 'sessions' | 'events';

/** Message bodies and captured values stay out: an export holds ids, times, counts and field names. */
const EXPORT_SQL: Record<ExportKind, string> = {
  sessions: `SELECT session_id, channel, started_at, last_message_at, message_count, tags
             FROM conversations WHERE business_id = $1 AND started_at >= $2 AND started_at < $3
             ORDER BY started_at, id`,
  events: `SELECT id::text, session_id, channel, type, created_at, payload
           FROM analytics_events WHERE business_id = $1 AND created_at >= $2 AND created_at < $3
           ORDER BY created_at, id`,
};

/** Rows fetched per round trip by the server-side cursor: memory stays flat however long the range. */
const BATCH_ROWS = 500;

@Injectable()
export class AnalyticsExportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The rows as an object stream read through a cursor on one pooled connection, released when the stream ends,
   * fails or is destroyed (a client that hangs up mid-download).
   */
  async stream(businessId: string, kind: ExportKind, range: TimeRange): Promise<Readable> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    const rows = client.query(
      new QueryStream(EXPORT_SQL[kind], [businessId, range.from, range.to], { batchSize: BATCH_ROWS }),
    );
    let released = false;
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      client.release(err);
    };
    rows.once('end', () => release());
    rows.once('error', (err) => release(err));
    rows.once('close', () => release());
    return rows;
  }
}
