import { LRUCache } from 'lru-cache';

import type { LlmRequest, LlmResponse, LlmStreamEvent, LlmToolCall, LlmTurn } from 'src/chat/llm-provider.port';
import { LlmProvider } from 'src/chat/llm-provider.port';
import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';
import type { ToolDeclaration } from 'src/crm/crm-tools.port';
import type { RetrievedPassage } from 'src/rag/knowledge-retriever.port';

const QUESTIONS: Record<CapturedField, string> = {
  firstName: 'May I have your name?',
  lastName: 'May I have your last name?',
  email: "What's the best email address to reach you?",
  phone: "What's a good phone number for you?",
  company: 'Which company are you with?',
};
const CLOSING_QUESTION = 'Is there anything else I can help you with?';

/**
 * Small talk gets small talk (by the message's intent), not a knowledge-base search: "thanks" is not a question the
 * site answers. `ask` says whether the usual follow-up question (next lead field, or "anything else?") comes after.
 */
const SMALL_TALK: Record<string, { reply: (business: string) => string; ask: boolean }> = {
  greeting: { reply: () => 'Hello! How can I help you today?', ask: true },
  thanks: { reply: () => "You're welcome! I'm glad I could help.", ask: true },
  goodbye: { reply: (b) => `Thanks for chatting with ${b}. Have a great day!`, ask: false },
  smalltalk: {
    reply: (b) =>
      `I'm the ${b} virtual assistant, and I'm doing well, thanks for asking! I'm here to help with anything about ${b}.`,
    ask: true,
  },
};
/** Said before the answer, so the visitor hears they were understood. */
const PREFACE: Record<string, string> = {
  complaint: "I'm sorry to hear that, and I want to help.",
  human_handoff: "I understand you'd like to talk to a person; the team can follow up with you directly.",
};
const MAX_ANSWER_SENTENCES = 2;
const MAX_SUMMARY_CHARS = 1200;
const STOPWORDS = new Set(
  'a an the and or but is are was were be do does did you your we our i me my it its of to in on for with at by from about what how when where which who can could would should will please tell know have has this that there any'.split(
    ' ',
  ),
);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// A crude stem ("opening hours" ~ "open ... hour") is enough to match a question to a sentence.
const stem = (word: string) => (word.length > 4 ? word.replace(/(?:ing|ed|es|s)$/, '') : word);
const terms = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 2 && !STOPWORDS.has(t))
      .map(stem),
  );

/**
 * The default provider without GEMINI_API_KEY: no model, only rules. It answers with the retrieved passages'
 * own sentences (or says it does not know), asks for the next missing lead field, and creates the CRM contact once
 * name, email and phone are known. Deterministic, so /chat and /chat/stream give the same text.
 */
export class OfflineLlmProvider extends LlmProvider {
  generate(request: LlmRequest): Promise<LlmResponse> {
    const toolCall = this.contactCall(request);
    if (toolCall)
      return Promise.resolve({ text: '', toolCalls: [toolCall], finishReason: 'tool_calls', provider: 'offline' });
    return Promise.resolve({ text: this.compose(request), toolCalls: [], finishReason: 'stop', provider: 'offline' });
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const response = await this.generate(request);
    // Word-sized deltas, like a real model stream, so clients exercise their incremental rendering.
    for (const piece of response.text.match(/\S+\s*/g) ?? []) yield { type: 'delta', text: piece };
    yield { type: 'done', response };
  }

  summarize(previousSummary: string | null, turns: LlmTurn[]): Promise<string> {
    const asked = turns
      .filter((t): t is Extract<LlmTurn, { role: 'user' }> => t.role === 'user')
      .map((t) => t.text.replace(/\s+/g, ' ').trim().slice(0, 160))
      .filter(Boolean);
    const summary = [previousSummary, asked.length ? `The visitor said: ${asked.join(' / ')}` : null]
      .filter(Boolean)
      .join(' ');
    return Promise.resolve(
      summary.length > MAX_SUMMARY_CHARS ? summary.slice(summary.length - MAX_SUMMARY_CHARS) : summary,
    );
  }

  private contactCall(request: LlmRequest): LlmToolCall | null {
    const { captured, crm } = request.grounding;
    const tool = request.tools.find((t) => t.name === 'create_contact');
    if (!tool || crm?.contactId || !captured.firstName || !captured.email || !captured.phone) return null;
    // One attempt per turn: if the call already ran (and failed), answer instead of looping.
    if (request.turns.some((t) => t.role === 'tool' && t.results.some((r) => r.name === tool.name))) return null;
    return { id: 'offline-create-contact', name: tool.name, args: contactArgs(tool, captured) };
  }

  private compose(request: LlmRequest): string {
    const lastTool = [...request.turns].reverse().find((t) => t.role !== 'model');
    const question = request.grounding.missing.length ? QUESTIONS[request.grounding.missing[0]] : CLOSING_QUESTION;
    const lastUser = [...request.turns]
      .reverse()
      .find((t): t is Extract<LlmTurn, { role: 'user' }> => t.role === 'user');
    const text = lastUser?.text ?? '';
    const { businessName, intent } = request.grounding;
    if (lastTool?.role === 'tool') {
      const ok = lastTool.results.every((r) => r.response.ok === true);
      const name = request.grounding.captured.firstName;
      const body = ok
        ? `Thank you${name ? `, <b>${escapeHtml(name)}</b>` : ''}. I've passed your details to the ${escapeHtml(businessName)} team and someone will be in touch soon.`
        : `Thank you${name ? `, <b>${escapeHtml(name)}</b>` : ''}. I couldn't save your details just now, but the ${escapeHtml(businessName)} team can still help you.`;
      // The contact may be created on a later turn than the one that gave the details (a booking reply came first):
      // the question this turn asked still deserves its answer.
      const pending = looksLikeQuestion(text) && !valuesGiven(text, request.grounding.captured).length;
      const answer = pending ? `<br><br>${this.answer(text, request.grounding.passages, businessName)}` : '';
      return `${body}${answer}<br><br>${question}`;
    }
    // "I'm Jane, jane@x.com" is not a question: searching the knowledge base for it only returns noise.
    const given = valuesGiven(text, request.grounding.captured);
    if (given.length && !looksLikeQuestion(text)) {
      const name = request.grounding.captured.firstName;
      const noted = given.filter((v) => v !== name).map((v) => `<b>${escapeHtml(v)}</b>`);
      const thanks = `Thanks${name ? `, <b>${escapeHtml(name)}</b>` : ''}.`;
      return `${noted.length ? `${thanks} I've noted ${noted.join(' and ')}.` : thanks}<br><br>${question}`;
    }
    const smallTalk = intent ? SMALL_TALK[intent] : undefined;
    if (smallTalk) {
      const reply = escapeHtml(smallTalk.reply(businessName));
      return smallTalk.ask ? `${reply}<br><br>${question}` : reply;
    }
    const preface = intent && PREFACE[intent] ? `${PREFACE[intent]} ` : '';
    return `${preface}${this.answer(text, request.grounding.passages, businessName)}<br><br>${question}`;
  }

  private answer(question: string, passages: RetrievedPassage[], businessName: string): string {
    const wanted = terms(question);
    // "What does GoAccel do?": the name is the only content word, so sentences that say what the business is or
    // does ("GoAccel delivers…", "We help…") are the answer, not every sentence that happens to mention it.
    const aboutBusiness = [...terms(businessName)].some((t) => wanted.has(t));
    const definition = definitionPattern(businessName);
    const best = passages
      .flatMap((p, rank) => {
        // A title that matches the question ("Opening hours") vouches for its page's sentences.
        const titleScore = overlap(wanted, terms(p.title ?? '')) * 0.5;
        return sentencesOf(p.text).map(({ s, have, boilerplate }, position) => {
          if (boilerplate) return { s, score: 0 };
          const own = overlap(wanted, have);
          // Beyond its opening sentence, a page's sentences must match the question themselves.
          const relevant = own > 0 || (titleScore > 0 && position === 0);
          const defines = aboutBusiness && definition.test(s) ? 1 : 0;
          return { s, score: relevant ? own + titleScore + defines - rank * 0.01 - position * 0.001 : 0 };
        });
      })
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_ANSWER_SENTENCES)
      .map((c) => c.s);
    if (!best.length) {
      return `I'm sorry, I don't have that information in the ${escapeHtml(businessName)} knowledge base, so I'd rather not guess. The team can answer it directly.`;
    }
    return `Here is what I found: ${escapeHtml(best.join(' '))}`;
  }
}

/** Captured values that appear in this message, i.e. what the visitor just told us. */
function valuesGiven(text: string, captured: CapturedFields): string[] {
  const lower = text.toLowerCase();
  const digits = text.replace(/\D/g, '');
  return (['firstName', 'lastName', 'company', 'email', 'phone'] as const)
    .map((field) => captured[field])
    .filter((value): value is string => {
      if (!value) return false;
      // Phones are stored in E.164; the visitor typed them in any format, so compare the local digits.
      if (value.startsWith('+')) return digits.length >= 7 && value.replace(/\D/g, '').endsWith(digits.slice(-7));
      return lower.includes(value.toLowerCase());
    });
}

/**
 * Navigation, listing and comment-form text that crawls keep ("by goawayhacker | Jan 1, 2026 | Uncategorized |
 * 0 comments Submit a Comment Cancel reply", "Home | About | Contact"): never an answer, whatever words it shares
 * with the question.
 */
const BOILERPLATE =
  /\bby [\w.-]+ \||\|\s*\d+ comments?\b|submit a comment|cancel reply|leave a (reply|comment)|read more\b|skip to (main )?content|all rights reserved|\buncategorized\b|posted in\b|previous post|next post/i;

export function isBoilerplate(sentence: string): boolean {
  if (BOILERPLATE.test(sentence)) return true;
  if ((sentence.match(/\|/g) ?? []).length >= 2) return true;
  // Menus and button rows: a run of capitalised words with hardly a lower-case word in between.
  const words = sentence.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
  const capitalised = words.filter((w) => /^[A-Z0-9]/.test(w)).length;
  return words.length >= 6 && capitalised / words.length >= 0.8;
}

function definitionPattern(businessName: string): RegExp {
  const name = businessName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^(?:[^.]{0,40}\\b)?(?:${name}|we)(?:'s)?\\s+(?:is|are|helps?|delivers?|provides?|offers?|builds?|gives?|makes?|combines?|works?)\\b`,
    'i',
  );
}

function looksLikeQuestion(text: string): boolean {
  return /\?/.test(text) || /^\s*(what|how|when|where|why|who|which|can|could|do|does|is|are|will|would)\b/i.test(text);
}

// The same popular passages come back turn after turn; their sentences, terms and boilerplate flags are worked out
// once (the boilerplate regexes were the offline answer's largest cost in a grounded turn's profile).
const SENTENCES = new LRUCache<string, Sentence[]>({ max: 2048 });

interface Sentence {
  s: string;
  have: Set<string>;
  boilerplate: boolean;
}

function sentencesOf(text: string): Sentence[] {
  let sentences = SENTENCES.get(text);
  if (!sentences)
    SENTENCES.set(
      text,
      (sentences = splitSentences(text).map((s) => ({ s, have: terms(s), boilerplate: isBoilerplate(s) }))),
    );
  return sentences;
}

function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"“])/)
    .map((s) => s.trim().replace(/^[-*•]\s*/, ''))
    .filter((s) => s.length >= 20 && s.length <= 400);
}

function overlap(wanted: Set<string>, have: Set<string>): number {
  let n = 0;
  for (const t of wanted) if (have.has(t)) n++;
  return n;
}

/** Fills the tool's own parameter names from the captured fields, whatever naming style the CRM tool uses. */
function contactArgs(tool: ToolDeclaration, captured: CapturedFields): Record<string, unknown> {
  const byKey: Record<string, string | undefined> = {
    firstname: captured.firstName,
    lastname: captured.lastName,
    email: captured.email,
    emailaddress: captured.email,
    phone: captured.phone,
    phonenumber: captured.phone,
    company: captured.company,
    companyname: captured.company,
    name: [captured.firstName, captured.lastName].filter(Boolean).join(' ') || undefined,
    fullname: [captured.firstName, captured.lastName].filter(Boolean).join(' ') || undefined,
  };
  const args: Record<string, unknown> = {};
  for (const property of Object.keys(tool.parameters.properties)) {
    const value = byKey[property.toLowerCase().replace(/[^a-z]/g, '')];
    if (value) args[property] = value;
  }
  return args;
}
