import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';
import { missingFields } from 'src/conversation/lead-capture';
import type { SessionMetadata } from 'src/conversation/session-metadata';
import type { Channel, SessionState } from 'src/conversation/session-state';
import type { MessageUnderstanding, SentimentLabel } from 'src/understanding/understanding.types';

/**
 * Everything one turn knows, as one object: what rules and flows (JsonLogic `{"var": "intent.name"}`) read, and
 * what the engine itself decides on. Built once per user turn, after lead capture, before any reply is chosen.
 */
export interface TurnContext {
  message: string;
  /** 1 for the session's first turn. */
  turn: number;
  channel: Channel;
  intent: { name: string; confidence: number };
  sentiment: { label: SentimentLabel; score: number };
  metadata: SessionMetadata;
  captured: CapturedFields;
  /** Lead fields not yet known, in the order they are asked. */
  missing: CapturedField[];
  /** The active flow and its state; null until flows exist. */
  flow: string | null;
  state: string | null;
  /** Id of the CTA clicked this turn, if any. */
  cta: string | null;
  /** The session's variant in the first running experiment; null outside experiments. */
  variant: string | null;
  /** The session's variant in each running experiment: experiment id → variant id. */
  experiment: Record<string, string>;
  tags: string[];
  /** The tenant's local time (its `timezone`): hour 0–23, weekday mon…sun, date YYYY-MM-DD. */
  time: { hour: number; weekday: string; date: string };
}

/** Every variable name a rule may read; `*` stands for any key. Documented in the README. */
export const TURN_CONTEXT_VARIABLES = [
  'message',
  'turn',
  'channel',
  'intent.name',
  'intent.confidence',
  'sentiment.label',
  'sentiment.score',
  'metadata.*',
  'captured.*',
  'missing',
  'flow',
  'state',
  'cta',
  'variant',
  'experiment.*',
  'tags',
  'time.hour',
  'time.weekday',
  'time.date',
] as const;

export interface TurnContextInput {
  message: string;
  state: SessionState;
  understanding: MessageUnderstanding;
  ctaId?: string | null;
  timezone: string;
  now?: Date;
}

export function buildTurnContext(input: TurnContextInput): TurnContext {
  const { state, understanding } = input;
  return {
    message: input.message,
    turn: state.conversation.turnCount + 1,
    channel: state.conversation.channel,
    intent: { name: understanding.intent.name, confidence: understanding.intent.confidence },
    sentiment: { label: understanding.sentiment.label, score: understanding.sentiment.score },
    metadata: { ...(state.clientMetadata ?? {}) },
    captured: { ...state.captured },
    missing: missingFields(state.locks),
    flow: null,
    state: null,
    cta: input.ctaId ?? null,
    variant: null,
    experiment: {},
    tags: [...(state.conversation.tags ?? [])],
    time: localTime(input.timezone, input.now ?? new Date()),
  };
}

const WEEKDAYS: Record<string, string> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** Wall-clock time in an IANA zone (validated when the config was saved; UTC if it has since become unknown). */
export function localTime(timezone: string, now: Date): TurnContext['time'] {
  // Every zone's offset is a whole number of minutes, so the answer holds for the rest of the minute; formatToParts
  // was ~1 % of a turn's samples.
  const minute = Math.floor(now.getTime() / 60_000);
  const last = LAST_READING.get(timezone);
  if (last?.minute === minute) return { ...last.time };
  const time = readLocalTime(timezone, now);
  LAST_READING.set(timezone, { minute, time });
  return { ...time };
}

/** The last reading per zone: as many entries as the zones tenants use. */
const LAST_READING = new Map<string, { minute: number; time: TurnContext['time'] }>();

function readLocalTime(timezone: string, now: Date): TurnContext['time'] {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(timezone).formatToParts(now);
  } catch {
    parts = formatter('UTC').formatToParts(now);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    // hourCycle h23 still prints midnight as "24" on some ICU versions.
    hour: Number(part('hour')) % 24,
    weekday: WEEKDAYS[part('weekday')] ?? part('weekday').toLowerCase(),
    date: `${part('year')}-${part('month')}-${part('day')}`,
  };
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      hour: '2-digit',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    FORMATTERS.set(timeZone, f);
  }
  return f;
}
