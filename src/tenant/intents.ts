/**
 * A business's intents as stored in its config, and the rules they are saved under. The classifier lives in the
 * understanding module; validation is here because a config is refused before it is saved.
 */

/**
 * Every tenant has these. A tenant intent with one of these names adds its examples to the built-in one (as Rasa
 * merges training data per intent); `other` is what falls below the confidence threshold, so it takes no examples.
 */
export const BUILTIN_INTENTS = [
  'greeting',
  'thanks',
  'goodbye',
  'human_handoff',
  'appointment',
  'pricing',
  'complaint',
  'smalltalk',
  'other',
] as const;
export type BuiltinIntent = (typeof BUILTIN_INTENTS)[number];

export interface TenantIntent {
  name: string;
  description?: string;
  examples: string[];
}

export const INTENT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_INTENTS = 100;
export const MAX_INTENT_EXAMPLES = 200;
export const MAX_EXAMPLE_CHARS = 500;
const MAX_DESCRIPTION_CHARS = 500;
const KEYS = new Set(['name', 'description', 'examples']);

/** Every problem with `intents`, each naming the intent (or its index) and the field; empty when valid. */
export function validateIntents(value: unknown): string[] {
  if (!Array.isArray(value)) return ['intents must be an array'];
  if (value.length > MAX_INTENTS) return [`intents: at most ${MAX_INTENTS} intents`];
  const errors: string[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push(`intents[${i}] must be an object {name, description?, examples}`);
      return;
    }
    const intent = raw as Record<string, unknown>;
    const name = typeof intent.name === 'string' ? intent.name : '';
    const label = name ? `intent "${name}"` : `intents[${i}]`;
    for (const key of Object.keys(intent)) if (!KEYS.has(key)) errors.push(`${label}: unknown field "${key}"`);
    if (!INTENT_NAME_PATTERN.test(name)) {
      errors.push(`${label}: name must match ${INTENT_NAME_PATTERN.source}`);
    } else if (name === 'other') {
      errors.push(`${label}: "other" is what no intent matches; it cannot have examples`);
    } else if (seen.has(name)) {
      errors.push(`${label}: duplicate name`);
    }
    seen.add(name);
    if (
      intent.description !== undefined &&
      (typeof intent.description !== 'string' || intent.description.length > MAX_DESCRIPTION_CHARS)
    )
      errors.push(`${label}: description must be a string of at most ${MAX_DESCRIPTION_CHARS} characters`);
    const examples = intent.examples;
    if (!Array.isArray(examples) || examples.length < 1 || examples.length > MAX_INTENT_EXAMPLES) {
      errors.push(`${label}: examples must be an array of 1–${MAX_INTENT_EXAMPLES} strings`);
    } else if (examples.some((e) => typeof e !== 'string' || !e.trim() || (e as string).length > MAX_EXAMPLE_CHARS)) {
      errors.push(`${label}: every example must be a non-empty string of at most ${MAX_EXAMPLE_CHARS} characters`);
    }
  });
  return errors;
}

/** An IANA zone name the runtime knows ("Europe/Paris", "UTC"); Intl is the authority, not a list of our own. */
export function isValidTimezone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
