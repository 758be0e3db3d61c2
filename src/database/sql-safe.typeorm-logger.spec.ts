import type { Logger as TypeOrmLogger } from 'typeorm';
import { DataSource, QueryFailedError } from 'typeorm';

import { dataSourceOptions } from 'src/database/data-source.options';
import { SqlSafeTypeOrmLogger } from 'src/database/sql-safe.typeorm-logger';

const EMAIL = 'jane.doe@example.com';
const FILE_BYTES = Buffer.from('%PDF-1.7 SECRET-UPLOADED-CONTENT');
const SQL = 'INSERT INTO crm_outbox (business_id, payload, file_data) VALUES ($1, $2, $3)';
const PARAMS = ['acme', JSON.stringify({ email: EMAIL }), FILE_BYTES];

/** Everything written to the console or the standard streams while `fn` runs. */
function captureOutput(fn: () => void): string {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => {
    chunks.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(record),
    ),
  ];
  try {
    fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks.join('\n');
}

function failedQuery(): QueryFailedError {
  const driverError = Object.assign(new Error(`invalid input syntax for type json: "${EMAIL}"`), {
    code: '22P02',
    severity: 'ERROR',
  });
  return new QueryFailedError(SQL, PARAMS, driverError);
}

describe(SqlSafeTypeOrmLogger.name, () => {
  it('logs a failed query as its statement and SQLSTATE, without parameters or the quoting server message', () => {
    const entries: unknown[] = [];
    const sink = {
      log: jest.fn(),
      warn: jest.fn(),
      debug: jest.fn(),
      error: (...args: unknown[]) => entries.push(args),
    };
    const sut: TypeOrmLogger = new SqlSafeTypeOrmLogger(sink);
    sut.logQueryError(failedQuery(), SQL, PARAMS);
    expect(entries).toEqual([[{ code: '22P02', sql: SQL }, 'query failed']]);
  });

  it('is the logger of the data source the app builds, so no parameter reaches the output', () => {
    const ds = new DataSource(dataSourceOptions('postgres://postgres@127.0.0.1:1/test_never_connected'));
    const output = captureOutput(() => ds.logger.logQueryError(failedQuery(), SQL, PARAMS));
    expect(output).toContain('INSERT INTO crm_outbox');
    expect(output).toContain('22P02');
    expect(output).not.toContain(EMAIL);
    expect(output).not.toContain('SECRET-UPLOADED-CONTENT');
    expect(output).not.toContain(FILE_BYTES.toString('hex'));
    expect(output).not.toContain(JSON.stringify(FILE_BYTES.toJSON().data).slice(1, 40));
  });
});
