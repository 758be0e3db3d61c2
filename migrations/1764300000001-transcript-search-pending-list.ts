import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transcript search index takes each reply's words into a pending list, and the insert that overflows the list
 * merges it into the index before it commits. At the default 4 MB a busy instance overflowed it about once a second,
 * and that merge held one transcript batch, with every chat turn waiting on it, for 50–110 ms. At 256 kB the merges
 * are small and frequent: the grounded bench's p99 fell from 58–65 to 49–56 ms (5 alternating pairs), at the same
 * throughput.
 */
export class TranscriptSearchPendingList1764300000001 implements MigrationInterface {
  name = 'TranscriptSearchPendingList1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER INDEX messages_content_fts_idx SET (gin_pending_list_limit = 256)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER INDEX messages_content_fts_idx RESET (gin_pending_list_limit)');
  }
}
