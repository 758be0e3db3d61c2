import 'reflect-metadata';

import { describeStartupError } from 'src/common/errors/startup-error';
import { InvalidConfigError, validateEnv } from 'src/config/env.schema';
import { migrateCommand } from 'src/database/schema-migrations';

/**
 * The migration command inside the production image (which has no ts-node or scripts/): `node dist/src/migrate.js`,
 * run once per deploy, e.g. as a Kubernetes Job, before instances started with MIGRATIONS_RUN=false.
 * Exit 0: the schema is current; 1: the migrations failed (one line says why); 2: `--check` found pending ones.
 */
async function main(): Promise<void> {
  process.exitCode = await migrateCommand(process.argv.slice(2), validateEnv(process.env), console.log);
}

main().catch((err: unknown) => {
  console.error(err instanceof InvalidConfigError ? err.message : `Migration failed: ${describeStartupError(err)}`);
  process.exit(1);
});
