import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import type TestAgent from 'supertest/lib/agent';

export interface TurnOutcome {
  /** 0 when the request got no HTTP answer at all. */
  status: number;
  sessionId: string;
  message: string;
  retryAfter?: string;
  code?: string;
  /** What the test was doing when the answer arrived. */
  phase: string;
  /** Time to the answer, for the report; never asserted. */
  ms: number;
  /** The start of the reply, so a failure shows what the visitor was told. */
  reply?: string;
}

/** Pause between one virtual visitor's turns, so fast 503s do not spin two shared cores. */
const PACING_MS = 20;

export interface ChatLoadOptions {
  /** Sent first in every session (the first message of a session gets the greeting); the measured turn follows. */
  opener?: string;
  maxTurns?: number;
}

/**
 * A bounded chat load: `users` visitors, each sending one measured turn per new session (so every answered turn can
 * be looked up on its own afterwards) until stopped or `maxTurns` in total. Tests await outcomes as they arrive.
 */
export class ChatLoad {
  readonly outcomes: TurnOutcome[] = [];
  phase = 'healthy';
  private stopped = false;
  private started = 0;
  private readonly users: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly http: TestAgent,
    private readonly businessId: string,
    private readonly messageFor: (turnId: string) => string,
    private readonly options: ChatLoadOptions = {},
  ) {}

  private get maxTurns(): number {
    return this.options.maxTurns ?? 600;
  }

  start(users: number): void {
    for (let u = 0; u < users; u++) this.users.push(this.visitor(u));
  }

  /** Resolves once `predicate` holds for the outcomes so far; rejects with `what` if it has not after `timeoutMs`. */
  async waitFor(what: string, predicate: (outcomes: TurnOutcome[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (predicate(this.outcomes)) return;
    let timer: NodeJS.Timeout | undefined;
    let check: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        check = () => {
          if (predicate(this.outcomes)) resolve();
          else if (this.stopped || this.started >= this.maxTurns) reject(new Error(`load ended before: ${what}`));
        };
        this.waiters.add(check);
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for: ${what} (${summary(this.outcomes)})`)),
          timeoutMs,
        );
      });
    } finally {
      clearTimeout(timer);
      if (check) this.waiters.delete(check);
    }
  }

  /** Outcomes that arrive from now on, e.g. after a restart. */
  since(index: number): TurnOutcome[] {
    return this.outcomes.slice(index);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.users);
  }

  private async visitor(u: number): Promise<void> {
    for (let i = 0; !this.stopped && this.started < this.maxTurns; i++) {
      this.started++;
      const sessionId = randomUUID();
      const message = this.messageFor(`${u}x${i}x${sessionId.slice(0, 8)}`);
      const outcome: TurnOutcome = { status: 0, sessionId, message, phase: this.phase, ms: 0 };
      const startedAt = Date.now();
      const send = (text: string, sessionToken?: string) =>
        this.http
          .post('/chat')
          .send({ business_id: this.businessId, session_id: sessionId, message: text, session_token: sessionToken });
      try {
        let res = this.options.opener ? await send(this.options.opener) : undefined;
        if (res && res.status !== 200) outcome.message = this.options.opener!;
        else res = await send(message, (res?.body as { session_token?: string } | undefined)?.session_token);
        outcome.status = res.status;
        outcome.retryAfter = res.headers['retry-after'] as string | undefined;
        outcome.code = (res.body as { code?: string }).code;
        outcome.reply = (res.body as { response?: string }).response?.slice(0, 80);
        outcome.phase = this.phase;
      } catch {
        outcome.status = 0;
      }
      outcome.ms = Date.now() - startedAt;
      this.outcomes.push(outcome);
      for (const waiter of [...this.waiters]) waiter();
      await sleep(PACING_MS);
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function summary(outcomes: TurnOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes)
    counts.set(
      `${o.status}${o.code ? ` ${o.code}` : ''}`,
      (counts.get(`${o.status}${o.code ? ` ${o.code}` : ''}`) ?? 0) + 1,
    );
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ') || 'no answers';
}

export const okCount = (outcomes: TurnOutcome[]) => outcomes.filter((o) => o.status === 200).length;
export const unavailableCount = (outcomes: TurnOutcome[]) => outcomes.filter((o) => o.status === 503).length;

/** Every turn that was not answered 200 got the outage's coded 503 with Retry-After — and there was at least one. */
export function expectOnlyUnavailable(outcomes: TurnOutcome[], code: string): void {
  const failures = outcomes.filter((o) => o.status !== 200);
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect({ status: failure.status, code: failure.code, retryAfter: failure.retryAfter }).toEqual({
      status: 503,
      code,
      retryAfter: '5',
    });
  }
}
