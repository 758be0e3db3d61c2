import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createApp } from 'src/bootstrap';
import { describeStartupError, StacklessConsoleLogger } from 'src/common/errors/startup-error';
import { GracefulShutdown, IMMEDIATE_SIGNALS } from 'src/common/lifecycle/graceful-shutdown';
import { AppConfig } from 'src/config/app-config.service';
import { InvalidConfigError } from 'src/config/env.schema';

async function main(): Promise<void> {
  // Until the app's own logger takes over, Nest's start-up messages (and its report of a failed boot) go here.
  Logger.overrideLogger(new StacklessConsoleLogger());
  const app = await createApp();
  const config = app.get(AppConfig);
  // SIGTERM and SIGINT drain (see GracefulShutdown); the rarer signals close at once through Nest's hooks.
  new GracefulShutdown(app, {
    delayMs: config.get('SHUTDOWN_DELAY_MS'),
    graceMs: config.get('SHUTDOWN_CALL_GRACE_S') * 1000,
  }).install();
  app.enableShutdownHooks(IMMEDIATE_SIGNALS);
  await app.listen(config.get('PORT'), '0.0.0.0');
}

main().catch((err: unknown) => {
  // Config errors are the operator's to fix: print the readable message, not a stack.
  if (err instanceof InvalidConfigError) console.error(err.message);
  else console.error(`Start-up failed: ${describeStartupError(err)}`);
  process.exit(1);
});
