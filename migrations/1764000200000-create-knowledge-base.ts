import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowledge base. Chunks are immutable rows shared by every version that contains them; a version is the set of
 * chunk ids it serves (kb_version_chunks), so activating an older version never re-embeds anything. Chunks that are
 * part of a document but not served (boilerplate, duplicates) stay in the set with searchable = false, so the next
 * ingestion can recompute what repeats across pages.
 */
export class CreateKnowledgeBase1764000200000 implements MigrationInterface {
  name = 'CreateKnowledgeBase1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kb_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        source_key text NOT NULL,
        source_type varchar(16) NOT NULL CHECK (source_type IN ('json', 'ndjson', 'file', 'crawl')),
        url text,
        title text,
        category varchar(100),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        content_hash char(64) NOT NULL,
        -- Arrival order: when two pages carry the same chunk, the earlier page keeps it.
        ordinal bigint GENERATED ALWAYS AS IDENTITY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, source_key)
      )`);
    await q.query(`
      CREATE TABLE kb_chunks (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        document_id uuid NOT NULL REFERENCES kb_documents(id) ON DELETE CASCADE,
        row_key char(64) NOT NULL,
        content_hash char(64) NOT NULL,
        embed_hash char(64) NOT NULL,
        chunk_index integer NOT NULL,
        text text NOT NULL,
        url text,
        title text,
        category varchar(100),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        embedding bytea,
        embedding_model varchar(100),
        embedding_dim smallint,
        tsv tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', text), 'B')
        ) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, row_key),
        CHECK ((embedding IS NULL) = (embedding_model IS NULL) AND (embedding IS NULL) = (embedding_dim IS NULL))
      )`);
    await q.query('CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING GIN (tsv)');
    await q.query('CREATE INDEX kb_chunks_document_idx ON kb_chunks (document_id)');
    await q.query(
      'CREATE INDEX kb_chunks_embed_hash_idx ON kb_chunks (business_id, embed_hash, embedding_model) WHERE embedding IS NOT NULL',
    );
    await q.query(`
      CREATE TABLE kb_versions (
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        is_active boolean NOT NULL DEFAULT false,
        reason varchar(16) NOT NULL CHECK (reason IN ('ingest', 'delete')),
        job_id uuid,
        document_count integer NOT NULL DEFAULT 0,
        chunk_count integer NOT NULL DEFAULT 0,
        stats jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        PRIMARY KEY (business_id, version)
      )`);
    await q.query('CREATE UNIQUE INDEX kb_versions_one_active_idx ON kb_versions (business_id) WHERE is_active');
    await q.query(`
      CREATE TABLE kb_version_chunks (
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        version integer NOT NULL,
        chunk_id integer NOT NULL REFERENCES kb_chunks(id) ON DELETE CASCADE,
        document_id uuid NOT NULL,
        searchable boolean NOT NULL,
        PRIMARY KEY (business_id, version, chunk_id),
        FOREIGN KEY (business_id, version) REFERENCES kb_versions(business_id, version) ON DELETE CASCADE
      )`);
    await q.query('CREATE INDEX kb_version_chunks_chunk_idx ON kb_version_chunks (chunk_id)');
    await q.query(
      'CREATE INDEX kb_version_chunks_document_idx ON kb_version_chunks (business_id, version, document_id)',
    );
    await q.query(`
      CREATE TABLE kb_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL CHECK (kind IN ('documents', 'files', 'crawl')),
        status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        message text,
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        input jsonb,
        file_data bytea,
        version integer,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query('CREATE INDEX kb_jobs_business_idx ON kb_jobs (business_id, created_at DESC)');
    await q.query(`CREATE INDEX kb_jobs_pending_idx ON kb_jobs (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE kb_jobs');
    await q.query('DROP TABLE kb_version_chunks');
    await q.query('DROP TABLE kb_versions');
    await q.query('DROP TABLE kb_chunks');
    await q.query('DROP TABLE kb_documents');
  }
}
