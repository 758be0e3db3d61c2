import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { camelizeTopLevelKeys } from 'src/tenant/legacy-business';
import { GOACCEL_INTENTS } from 'test/understanding/goaccel-intents';

/** CI checks the repository out next to ../shared, as on the development machine. */
const GOACCEL_BUSINESS = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'goaccel-business.json');

/**
 * The README's worked example: GoAccel (imported from its legacy config, as scripts/import-business.ts does) with
 * its intents, three rules, a qualification flow and a hand-off.
 */
export const GOACCEL_RULES = [
  {
    id: 'pricing_qualify',
    description: 'A pricing question starts the qualification flow',
    when: { and: [{ '==': [{ var: 'intent.name' }, 'pricing'] }, { '==': [{ var: 'flow' }, null] }] },
    then: [{ startFlow: 'qualify' }, { tag: 'pricing_lead' }],
  },
  {
    id: 'trades_demo',
    description: 'A question about trades gets the booking button',
    when: { '==': [{ var: 'intent.name' }, 'industries'] },
    then: [{ showCtas: ['book_appointment'] }, { instruction: 'Name the trades GoAccel serves and offer a demo.' }],
  },
  {
    id: 'complaint_handoff',
    description: 'An unhappy complaint goes to a person',
    when: {
      and: [{ '==': [{ var: 'intent.name' }, 'complaint'] }, { '==': [{ var: 'sentiment.label' }, 'negative'] }],
    },
    then: [{ handoff: { reason: 'complaint' } }],
  },
];

export const GOACCEL_FLOWS = [
  {
    id: 'qualify',
    start: 'ask_team_size',
    states: {
      ask_team_size: {
        say: 'Happy to help with pricing: plans depend on the size of your team. How many technicians do you have?',
        on: [{ when: { '!=': [{ var: 'message' }, ''] }, to: 'ask_contact' }],
      },
      ask_contact: {
        instruction: 'Thank them, then ask for their name, email and phone so a specialist can send a tailored quote.',
        collect: ['firstName', 'email', 'phone'],
        on: [{ when: { '!!': [{ var: 'captured.email' }] }, to: 'quote_sent' }],
      },
      quote_sent: {
        say: 'Thanks! A GoAccel specialist will send your tailored quote today. Want to walk through it on a call?',
        ctas: ['book_appointment'],
        end: true,
      },
    },
  },
];

export const GOACCEL_HANDOFF = {
  message: "I'm connecting you with a member of the GoAccel team now. They'll reply right here.",
  afterNegativeTurns: 3,
};

/** The worked example's conversation. */
export const GOACCEL_TURNS = [
  { message: 'Hi! How much does GoAccel cost?' },
  { message: 'We have 12 technicians' },
  { message: "I'm Dana Whitfield, dana@whitfield-hvac.com, 415 555 2671" },
  { message: 'Do you work with plumbers?' },
  { message: 'Your last invoice was wrong and nobody called me back. This is terrible.' },
  { message: 'Are you still there?' },
];

/** The GoAccel business config (legacy file, camelized) with the conversation design above. */
export function goaccelBusiness(businessId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const legacy = JSON.parse(readFileSync(GOACCEL_BUSINESS, 'utf8')) as Record<string, unknown>;
  return {
    ...camelizeTopLevelKeys(legacy),
    businessId,
    intents: GOACCEL_INTENTS,
    rules: GOACCEL_RULES,
    flows: GOACCEL_FLOWS,
    handoff: GOACCEL_HANDOFF,
    ...extra,
  };
}
