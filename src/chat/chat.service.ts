import { randomUUID } from 'node:crypto';

import { Injectable, Logger, Optional } from '@nestjs/common';

import { ChatErrors } from 'src/chat/chat.errors';
import { ChatTurnRunner, PreparedTurn, type ReadAhead, type TurnSink } from 'src/chat/chat-turn.runner';
import { ChatReply, ChatStreamEvent } from 'src/chat/chat-turn.types';
import { ChatRequestDto } from 'src/chat/dto/chat-request.dto';
import { navigateCta } from 'src/chat/pipeline/cta-navigation.step';
import { ChatSessionAccess } from 'src/chat/session-access';
import { EventQueue } from 'src/chat/streaming/event-queue';
import { AppError } from 'src/common/errors/app-error';
import { ErrorReporter } from 'src/common/errors/error-reporter.port';
import { toUnavailableError } from 'src/common/errors/infra.errors';
import { Metrics, NO_METRICS, secondsSince } from 'src/common/metrics/metrics.port';
import { AppConfig } from 'src/config/app-config.service';
import { metadataProblem, type SessionMetadata } from 'src/conversation/session-metadata';
import { ExperimentsService } from 'src/experiments/experiments.service';
import { SessionStore } from 'src/session/session-store.port';
import { TenantService } from 'src/tenant/tenant.service';

const NEW_SESSION = 'new';

/**
 * Entry point of /chat and /chat/stream. Everything that can reject a request runs before the session lock and
 * before any write; the turn itself runs under the per-session lock so concurrent messages are serialized.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger('ChatService');

  constructor(
    private readonly tenants: TenantService,
    private readonly store: SessionStore,
    private readonly runner: ChatTurnRunner,
    private readonly config: AppConfig,
    private readonly access: ChatSessionAccess,
    private readonly experiments: ExperimentsService,
    @Optional() private readonly metrics: Metrics = NO_METRICS,
    @Optional() private readonly reporter?: ErrorReporter,
  ) {}

  /** `headerToken` is the X-Session-Token header; a `session_token` in the body takes precedence. */
  async reply(dto: ChatRequestDto, headerToken?: string): Promise<ChatReply> {
    const turn = await this.prepare(dto, headerToken);
    return this.timed(turn, this.locked(turn));
  }

  /** Resolves once the request is accepted (so rejections are plain HTTP errors); events follow as the turn runs. */
  async openStream(dto: ChatRequestDto, headerToken?: string): Promise<AsyncIterable<ChatStreamEvent>> {
    const turn = await this.prepare(dto, headerToken);
    const queue = new EventQueue<ChatStreamEvent>();
    const sink = { delta: (text: string) => queue.push({ event: 'delta', data: { text } }) };
    this.timed(turn, this.locked(turn, sink))
      .then((reply) => {
        if (reply.ctas?.length) queue.push({ event: 'ctas', data: { ctas: reply.ctas } });
        if (reply.sources?.length) queue.push({ event: 'sources', data: { sources: reply.sources } });
        queue.push({ event: 'done', data: reply });
      })
      .catch((thrown: unknown) => {
        // The stream already answered 200, so an outage is reported in the error event with the same code as /chat.
        const err = toUnavailableError(thrown) ?? thrown;
        if (err instanceof AppError) {
          queue.push({ event: 'error', data: { message: err.message, code: err.code } });
          return;
        }
        // As the exception filter does for /chat: an id the visitor can quote, in the log line and the error report.
        const errorId = randomUUID();
        this.logger.error(
          { businessId: turn.business.businessId, errorId, err: (err as Error).message },
          'stream turn failed',
        );
        this.reporter?.report(err, { errorId, method: 'POST', route: '/chat/stream' });
        queue.push({
          event: 'error',
          data: { message: `Something went wrong; please try again (error id ${errorId})` },
        });
      })
      .finally(() => queue.close());
    return queue;
  }

  /**
   * The turn under its session lock. What the turn reads ahead is requested right after the lock, so on Redis both
   * share a round trip; it is used only when the lock was free at once (else it may predate the previous holder's
   * writes).
   */
  private locked(turn: PreparedTurn, sink?: TurnSink): Promise<ChatReply> {
    const reads: { ahead?: ReadAhead } = {};
    const run = this.store.withLock(turn.business.businessId, turn.input.sessionId, (lock) =>
      this.runner.run(turn, lock, sink, lock.waited ? undefined : reads.ahead),
    );
    reads.ahead = this.runner.readAhead(turn);
    return run;
  }

  /** Records the turn's latency (lock wait included: the visitor waits for it too) and whether it failed. */
  private timed<T>(turn: PreparedTurn, run: Promise<T>): Promise<T> {
    const start = performance.now();
    const observe = (outcome: 'ok' | 'error') =>
      this.metrics.chatTurn(turn.business.businessId, 'chat', outcome, secondsSince(start));
    return run.then(
      (result) => {
        observe('ok');
        return result;
      },
      (err: unknown) => {
        observe('error');
        throw err;
      },
    );
  }

  private async prepare(dto: ChatRequestDto, headerToken: string | undefined): Promise<PreparedTurn> {
    const max = this.config.get('MAX_MESSAGE_CHARS');
    if (dto.message.length > max) throw ChatErrors.messageTooLong(max);
    if (!dto.message.trim() && dto.cta_id === undefined) throw ChatErrors.emptyMessage();
    if (dto.metadata !== undefined) {
      const problem = metadataProblem(dto.metadata);
      if (problem) throw ChatErrors.invalidMetadata(problem);
    }
    const tenant = await this.tenants.getCached(dto.business_id);
    // An empty token is no token: clients that keep an empty slot still start new sessions.
    const token = dto.session_token || headerToken || undefined;
    // "new" is how widgets and the API's own examples ask for a fresh session: the same as omitting the id.
    const requested = dto.session_id === NEW_SESSION ? undefined : dto.session_id;
    const session = await this.access.authorize(tenant, requested, token);
    // The session's variants decide the config its turn runs with (greeting, prompt, CTAs, rules, flows).
    const { business, assignments } = this.experiments.assign(tenant, session.sessionId);
    const cta = navigateCta(business.ctaTree ?? {}, dto.cta_id, business.catalog ?? []);
    return {
      business,
      input: {
        businessId: business.businessId,
        sessionId: session.sessionId,
        message: dto.message,
        ctaId: dto.cta_id,
        ...(dto.metadata ? { metadata: dto.metadata as SessionMetadata } : {}),
      },
      cta,
      experiments: assignments,
      mayContinue: session.mayContinue,
      sessionToken: session.token,
    };
  }
}
