import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { NodeClient, Scope } from '@sentry/node';

import { ErrorReporter, type ReportedErrorContext } from 'src/common/errors/error-reporter.port';
import { scrubEvent } from 'src/metrics/pii-scrub';

const FLUSH_MS = 2000;

export interface SentryOptions {
  dsn: string;
  environment: string;
}

/**
 * Unexpected errors to Sentry when SENTRY_DSN is set. A client and scope of its own rather than `Sentry.init`: no
 * global instrumentation, no auto-captured requests, no breadcrumbs, nothing but what `report` sends, and several
 * app instances in one process (the tests) never share a client. Every event passes `scrubEvent` (no request, user
 * or breadcrumbs; e-mails, phones and credentials redacted from messages) and carries the client's error id as the
 * `error_id` tag. The SDK is loaded only when a DSN is configured.
 */
export class SentryErrorReporter extends ErrorReporter implements OnApplicationShutdown {
  private readonly logger = new Logger('Sentry');

  private constructor(
    private readonly client: NodeClient,
    private readonly scope: Scope,
  ) {
    super();
  }

  static async create(options: SentryOptions): Promise<SentryErrorReporter> {
    const sentry = await import('@sentry/node');
    const client = new sentry.NodeClient({
      dsn: options.dsn,
      environment: options.environment,
      transport: sentry.makeNodeTransport,
      stackParser: sentry.defaultStackParser,
      integrations: [],
      maxBreadcrumbs: 0,
      // No module-loader hooks (they exist for tracing, which this reporter does not do) and no client reports.
      enableRuntimeChannelInjection: false,
      sendClientReports: false,
      beforeSend: (event) => scrubEvent(event),
    });
    const scope = new sentry.Scope();
    scope.setClient(client);
    client.init();
    return new SentryErrorReporter(client, scope);
  }

  report(error: unknown, context: ReportedErrorContext): void {
    try {
      const scope = this.scope.clone();
      scope.setTag('error_id', context.errorId);
      if (context.requestId) scope.setTag('request_id', context.requestId);
      if (context.method) scope.setTag('http.method', context.method);
      if (context.route) scope.setTag('http.route', context.route);
      scope.captureException(error);
    } catch (err) {
      this.logger.warn({ errorId: context.errorId, err: (err as Error).message }, 'error report not sent');
    }
  }

  /** Sends what is queued (bounded wait), then releases the transport. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close(FLUSH_MS);
  }

  /** Waits until queued events are sent (tests). */
  async flush(): Promise<boolean> {
    return this.client.flush(FLUSH_MS);
  }
}
