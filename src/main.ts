import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createApp } from 'src/bootstrap';
import { describeStartupError, StacklessConsoleLogger } from 'src/common/errors/startup-error';
import { AppConfig } from 'src/config/app-config.service';
import { InvalidConfigError } from 'src/config/env.schema';

async function main(): Promise<void> {
  // Until the app's own logger takes over, Nest's start-up messages (and its report of a failed boot) go here.
  Logger.overrideLogger(new StacklessConsoleLogger());
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.get('PORT'), '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors are the operator's to fix: print the readable message, not a stack.
  if (err instanceof InvalidConfigError) console.error(err.message);
  else console.error(`Start-up failed: ${describeStartupError(err)}`);
  process.exit(1);
});
