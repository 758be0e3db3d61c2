import { CtaNode, entryCtas } from 'src/tenant/cta-tree';
import type { TenantConfig } from 'src/tenant/tenant-config';

/** What the web widget sends, unseen, to open a conversation: the server greets and shows the entry buttons. */
export const WIDGET_INTRO_ACTION = 'action:click-intro';

export const INTRO_TOKENS: ReadonlySet<string> = new Set([
  'hi',
  'hello',
  'hey',
  'start',
  'get started',
  'menu',
  'options',
  'help',
  'show choices',
  'what can you do',
  'reset',
  'restart',
  WIDGET_INTRO_ACTION,
]);

export interface GuardReply {
  guard: 'intro' | 'first_message' | 'appointment';
  text: string;
  ctas: CtaNode[];
  /** Intro tokens start the conversation over. */
  resetSession: boolean;
}

/** Exact match after trimming and lower-casing; trailing punctuation ("Hi!") is tolerated. */
export function isIntroToken(message: string): boolean {
  const normalized = message.trim().toLowerCase().replace(/\s+/g, ' ');
  return INTRO_TOKENS.has(normalized) || INTRO_TOKENS.has(normalized.replace(/[.!?]+$/, '').trim());
}

const APPOINTMENT_PATTERN =
  /\b(?:(?:book|schedule|reschedule|set ?up|arrange|make)\b[\w\s,'-]{0,40}\b(?:appointment|meeting|call|consultation|demo|visit|session|time|slot)s?|appointments?)\b/i;

export function asksForAppointment(message: string): boolean {
  return APPOINTMENT_PATTERN.test(message);
}

export function greetingText(business: TenantConfig): string {
  const first = business.greetingMessage?.trim() || `Hi, welcome to ${business.businessName}!`;
  const second = business.secondaryGreetingMessage?.trim();
  return second ? `${first}\n\n${second}` : first;
}

/** The tenant's booking button: a link node whose id or label mentions booking, else the platform default link. */
export function bookingCta(business: TenantConfig, defaultLink: string): CtaNode {
  const found = Object.values(business.ctaTree ?? {}).find(
    (n) => n.action === 'link' && !!n.url && /book|appointment/i.test(`${n.id} ${n.label}`),
  );
  return found ?? { id: 'book_appointment', label: 'Book an Appointment', action: 'link', url: defaultLink };
}

/**
 * Step 3. Replies that never reach the model: the intro (reset + greeting), the greeting a new session gets on its
 * first message, and the booking link when the user asks to book.
 */
export function applyHardGuards(
  business: TenantConfig,
  message: string,
  greeted: boolean,
  defaultAppointmentLink: string,
): GuardReply | null {
  if (isIntroToken(message)) {
    return {
      guard: 'intro',
      text: greetingText(business),
      ctas: entryCtas(business.ctaTree ?? {}),
      resetSession: true,
    };
  }
  if (!greeted) {
    return {
      guard: 'first_message',
      text: greetingText(business),
      ctas: entryCtas(business.ctaTree ?? {}),
      resetSession: false,
    };
  }
  if (asksForAppointment(message)) {
    const cta = bookingCta(business, defaultAppointmentLink);
    return {
      guard: 'appointment',
      text: `I'd be glad to help you book a time with ${business.businessName}. Use the <b>${cta.label}</b> button below to pick a slot that suits you.`,
      ctas: [cta],
      resetSession: false,
    };
  }
  return null;
}
