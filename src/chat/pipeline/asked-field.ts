import type { CapturedField } from 'src/conversation/captured-fields';

const ASKS: [CapturedField, RegExp][] = [
  ['email', /\be-?mail\b/i],
  ['phone', /\b(?:phone|number|reach you by phone|call you)\b/i],
  ['company', /\bcompany\b/i],
  ['firstName', /\bname\b/i],
];

/**
 * Which missing lead field the reply's closing question asks for, so the next message can be read as its answer
 * ("Jane Doe" after "May I have your name?"). Only the text after the last sentence break is considered.
 */
export function askedField(replyText: string, missing: CapturedField[]): CapturedField | null {
  const plain = replyText.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '');
  const question = plain
    .split(/\n|(?<=[.!])\s+/)
    .filter((s) => s.includes('?'))
    .pop();
  if (!question) return null;
  for (const [field, pattern] of ASKS) if (missing.includes(field) && pattern.test(question)) return field;
  return null;
}
