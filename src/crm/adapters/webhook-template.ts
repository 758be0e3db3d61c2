import { CrmErrors } from 'src/crm/crm.errors';

export type TemplateVars = Record<string, unknown>;

/**
 * Variables a webhook template may use: platform fields, ids and deal data, the mapped field object, and on an
 * update of an existing contact the unverified visitor's values that differ from it (platform field names).
 */
export const TEMPLATE_VARS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'message',
  'source',
  'sessionId',
  'contactId',
  'dealName',
  'stage',
  'amount',
  'fields',
  'differingValues',
] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z]+)\s*\}\}$/;

/** Throws a 400 naming `path` when a template uses an unknown variable. */
export function checkTemplate(value: unknown, path: string): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) {
      if (!(TEMPLATE_VARS as readonly string[]).includes(m[1])) {
        throw CrmErrors.invalidConfig(
          path,
          `unknown template variable {{${m[1]}}} (known: ${TEMPLATE_VARS.join(', ')})`,
        );
      }
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkTemplate(v, `${path}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) checkTemplate(v, `${path}.${k}`);
}

/** URL templates: every substituted value is percent-encoded so a field can never change the path or host. */
export function renderUrl(template: string, vars: TemplateVars): string {
  return template.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(scalar(vars[name])));
}

/**
 * Body templates are JSON: a string that is exactly one placeholder becomes the raw value (a number stays a number,
 * {{fields}} becomes the mapped object); placeholders inside longer strings are interpolated as text.
 */
export function renderBody(template: unknown, vars: TemplateVars): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return vars[whole[1]] ?? null;
    return template.replace(PLACEHOLDER, (_, name: string) => scalar(vars[name]));
  }
  if (Array.isArray(template)) return template.map((t) => renderBody(t, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, vars)]));
  }
  return template;
}

/** Reads `a.b.0.c` from a parsed JSON answer. */
export function readPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function scalar(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
