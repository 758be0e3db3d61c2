import type { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface';

import { describeStartupError, StacklessConsoleLogger } from 'src/common/errors/startup-error';

/**
 * How CLIs build the app: errors reach the CLI's own handler (instead of Nest logging them and exiting) and
 * nothing prints a stack trace.
 */
export const CLI_APP_OPTIONS: NestApplicationContextOptions = {
  logger: new StacklessConsoleLogger({ logLevels: ['error', 'warn'] }),
  abortOnError: false,
};

/** Runs a CLI's main and ends a failure with one line naming its cause, and exit code 1. */
export function runCli(action: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`${action} failed: ${describeStartupError(err)}`);
    process.exit(1);
  });
}
