import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import type { AppRoleName } from 'src/config/env.schema';

/** The only routes a worker answers: the probes Kubernetes (or any orchestrator) sends it. */
export const WORKER_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/ready']);

/**
 * The one place that decides what this process does (APP_ROLE). `api` instances scale with traffic and run no
 * background loop; `worker` instances run every loop and answer only the health probes; `all` is a single instance
 * doing both. Each loop asks `runsLoop` once when it would start, so the decision and its log line live here rather
 * than in an `if` per loop.
 */
@Injectable()
export class AppRole {
  private readonly logger = new Logger('AppRole');
  readonly name: AppRoleName;

  constructor(config: AppConfig) {
    this.name = config.get('APP_ROLE');
  }

  /** HTTP routes beyond the health probes, the media-stream WebSocket, static files and the API docs. */
  get servesApi(): boolean {
    return this.name !== 'worker';
  }

  get runsBackgroundWork(): boolean {
    return this.name !== 'api';
  }

  /**
   * Whether the background loop `loop` starts on this instance: its role must run background work and its own
   * setting (`enabled`, e.g. a poll interval of 0) must not switch it off. Logs the answer, once per loop start.
   */
  runsLoop(loop: string, enabled = true): boolean {
    const runs = enabled && this.runsBackgroundWork;
    const why = !this.runsBackgroundWork
      ? `not on role ${this.name}`
      : enabled
        ? `on role ${this.name}`
        : 'switched off';
    this.logger.log(
      { event: runs ? 'loop_started' : 'loop_skipped', loop, role: this.name },
      `${loop}: ${runs ? 'runs' : 'does not run'} (${why})`,
    );
    return runs;
  }
}
