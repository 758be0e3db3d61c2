/**
 * Whether a reply left the visitor's question unanswered, as recorded on the turn's `assistant_message` event:
 * `low_confidence` when retrieval found nothing above the tenant's threshold for a question-like message, `dont_know`
 * when the reply itself says it lacks the information (whatever retrieval found). Chit-chat intents are never
 * questions for the knowledge base, so a "hello" with no passages is not an unanswered question.
 */
export type UnansweredReason = 'low_confidence' | 'dont_know';

const NOT_QUESTIONS = new Set(['greeting', 'thanks', 'goodbye', 'smalltalk', 'human_handoff']);

/** "I don't have that information", "I do not know", "I'm not sure about": the ways a grounded reply declines. */
const DONT_KNOW =
  /\b(i\s+(?:don'?t|do not|can'?t|cannot)\s+(?:know|have (?:that|this|any|the) (?:information|info|details))|i'?m not sure|not in (?:the|our) knowledge base)\b/i;

export function unansweredReason(input: { intent: string; passages: number; reply: string }): UnansweredReason | null {
  if (DONT_KNOW.test(input.reply)) return 'dont_know';
  if (input.passages === 0 && !NOT_QUESTIONS.has(input.intent)) return 'low_confidence';
  return null;
}
