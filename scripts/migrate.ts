import 'reflect-metadata';

import { validateEnv } from 'src/config/env.schema';
import { migrateCommand } from 'src/database/schema-migrations';

import { runCli } from './support/cli';

/**
 * `npm run migrate [-- --check]`: applies pending migrations to DATABASE_URL, or to the embedded server under DATA_DIR.
 * The production image runs the same command compiled, as `node dist/src/migrate.js` (src/migrate.ts).
 */
runCli('Migration', async () => {
  process.exitCode = await migrateCommand(process.argv.slice(2), validateEnv(process.env), console.log);
});
