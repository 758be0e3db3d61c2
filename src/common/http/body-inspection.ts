import { AppError } from 'src/common/errors/app-error';
import { HttpErrors } from 'src/common/http/http.errors';

/**
 * Deeper than any body the API takes (CTA trees and JsonLogic rules stay well under it), and shallow enough that
 * class-transformer and class-validator, which recurse, never get near the stack limit.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * Keys that reach an object's prototype when a parsed body is assigned or merged (class-transformer assigns
 * property by property). Refused everywhere, so no code path has to remember to skip them.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

/**
 * Walks a parsed body without recursion (it may be nested thousands of levels) and returns the first reason to
 * refuse it, or null. Stops at the first object past the depth limit, so a deep body costs no more than a shallow one.
 */
export function inspectBody(body: unknown, maxDepth = MAX_BODY_DEPTH): AppError | null {
  const stack: [value: unknown, depth: number][] = [[body, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return HttpErrors.bodyTooDeep(maxDepth);
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return HttpErrors.forbiddenKey(key);
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}
