import 'reflect-metadata';
import { createApp } from 'src/bootstrap';
import { AppConfig } from 'src/config/app-config.service';
import { InvalidConfigError } from 'src/config/env.schema';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.get('PORT'), '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors are the operator's to fix: print the readable message, not a stack.
  if (err instanceof InvalidConfigError) console.error(err.message);
  else console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
