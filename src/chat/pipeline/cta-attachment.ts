import { ChatCta, toChatCta } from 'src/chat/chat-turn.types';
import { CtaNode, CtaTree, entryCtas } from 'src/tenant/cta-tree';

/**
 * Step 9. Buttons chosen by a guard or a menu travel as they are; a model reply that asks the user something gets
 * the entry buttons. Buttons always travel in `ctas`, never inside the response text.
 */
export function attachCtas(replyText: string, tree: CtaTree, chosen?: CtaNode[]): ChatCta[] {
  if (chosen) return chosen.map(toChatCta);
  return asksSomething(replyText) ? entryCtas(tree).map(toChatCta) : [];
}

export function asksSomething(replyText: string): boolean {
  // A question mark inside a link or code sample is not a question to the user.
  const visible = replyText.replace(/<a\b[^>]*>.*?<\/a>|<code>.*?<\/code>/gi, '').replace(/<[^>]+>/g, ' ');
  return /\?/.test(visible);
}
