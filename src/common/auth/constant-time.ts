import { createHash, timingSafeEqual } from 'node:crypto';

/** Hashing both sides first makes lengths equal, so timingSafeEqual never throws and leaks no length. */
export function constantTimeEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
