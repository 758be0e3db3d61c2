import { ReplyPolicy, validateReply } from 'src/chat/pipeline/response-validator';

/** Text held back from the end of the stream: a leaked instruction is detected before any part of it is sent. */
const HOLDBACK_CHARS = 96;

/**
 * Turns raw model deltas into deltas of the validated reply. Only a prefix that validation no longer changes is
 * sent, and the tail is held back, so a stream never shows unsanitized HTML or the start of a leaked instruction.
 * The `done` event carries the authoritative final text; deltas are a preview that is always a prefix of it
 * unless validation rewrote text already sent (then the stream stops sending deltas).
 */
export class SafeDeltaEmitter {
  private sent = '';
  private blocked = false;

  constructor(
    private readonly policy: ReplyPolicy,
    private readonly emit: (text: string) => void,
  ) {}

  /** `rawSoFar` is the whole raw text generated so far in this turn. */
  update(rawSoFar: string): void {
    if (this.blocked) return;
    const partial = validateReply(rawSoFar, this.policy, true);
    if (partial.replaced) {
      this.blocked = true;
      return;
    }
    let stable = partial.text.slice(0, Math.max(0, partial.text.length - HOLDBACK_CHARS));
    // Never split an HTML tag or entity across the boundary.
    const openTag = stable.lastIndexOf('<');
    if (openTag > stable.lastIndexOf('>')) stable = stable.slice(0, openTag);
    const openEntity = stable.lastIndexOf('&');
    if (openEntity > stable.lastIndexOf(';')) stable = stable.slice(0, openEntity);
    this.advanceTo(stable);
  }

  /** Sends whatever of the final text is still missing, if the preview so far is a prefix of it. */
  finish(finalText: string): void {
    if (!this.blocked) this.advanceTo(finalText);
  }

  private advanceTo(text: string): void {
    if (text.length <= this.sent.length) return;
    if (!text.startsWith(this.sent)) {
      this.blocked = true;
      return;
    }
    this.emit(text.slice(this.sent.length));
    this.sent = text;
  }
}
