import { businessPath } from '../api';
import { button, card, formatDate, h, table } from '../dom';
import type { ConsolePage, PageContext } from '../page';

/** GET /admin/business/:id/handoffs (HandoffListDto). */
interface Handoff {
  sessionId: string;
  channel: 'chat' | 'voice';
  reason: string;
  handedOffAt: string;
}

const short = (id: string) => id.slice(0, 8);

/** The server's reason codes (`intent:human_handoff`, `negative_sentiment:2`, `rule:<reason>`) in words. */
function reasonText(reason: string): string {
  if (reason === 'intent:human_handoff') return 'Asked for a person';
  const negative = /^negative_sentiment:(\d+)$/.exec(reason);
  if (negative) return `${negative[1]} negative messages in a row`;
  if (reason.startsWith('rule:')) return `Rule: ${reason.slice('rule:'.length)}`;
  return reason;
}

/** Sessions waiting for a person; "Release" gives one back to the assistant. */
export const handoffsPage: ConsolePage = {
  id: 'handoffs',
  title: 'Hand-offs',
  scope: 'business',
  async render(ctx) {
    const holder = h('div', { class: 'stack' });
    const status = h('p', { class: 'status', role: 'status' });
    await draw(ctx, holder, status);
    return card(
      'Waiting for a person',
      h(
        'p',
        { class: 'help' },
        'The assistant stays silent in these conversations until they are released; the newest come first.',
      ),
      status,
      holder,
    );
  },
};

async function draw(ctx: PageContext, holder: HTMLElement, status: HTMLElement): Promise<void> {
  const { handoffs } = await ctx.api.get<{ handoffs: Handoff[] }>(businessPath(ctx.businessId, '/handoffs'));
  const release = async (s: Handoff) => {
    status.className = 'status';
    status.textContent = 'Releasing…';
    try {
      await ctx.api.post(businessPath(ctx.businessId, `/sessions/${encodeURIComponent(s.sessionId)}/release`));
      await draw(ctx, holder, status);
      status.className = 'status ok';
      status.textContent = `Released ${short(s.sessionId)}: the assistant answers its next message.`;
    } catch (error) {
      status.className = 'status bad';
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  holder.replaceChildren(
    handoffs.length
      ? table(
          'Hand-offs',
          ['Handed off', 'Session', 'Channel', 'Reason', ''],
          handoffs.map((s) => [
            formatDate(s.handedOffAt),
            h(
              'a',
              { href: `#/b/${encodeURIComponent(ctx.businessId)}/sessions/${encodeURIComponent(s.sessionId)}` },
              h('span', { class: 'mono' }, short(s.sessionId)),
            ),
            s.channel === 'voice' ? 'Voice' : 'Chat',
            h('span', { title: s.reason }, reasonText(s.reason)),
            button('Release', () => release(s), { 'aria-label': `Release session ${short(s.sessionId)}` }),
          ]),
        )
      : h('p', { class: 'empty' }, 'No conversation is waiting for a person.'),
  );
}
