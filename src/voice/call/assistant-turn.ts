/**
 * What the assistant said in the current model turn and how much of it the caller heard. Twilio echoes a `mark`
 * once the audio sent before it has been played, so the last echoed mark tells how many frames reached the ear.
 */
export class AssistantTurn {
  private text = '';
  framesSent = 0;
  framesPlayed = 0;
  /** Set when the first audio frame of the turn is sent. */
  startedAt: number | null = null;

  constructor(readonly seq: number) {}

  appendTranscript(chunk: string): void {
    this.text += chunk;
  }

  get transcript(): string {
    return this.text.trim();
  }

  markName(): string {
    return `a:${this.seq}:${this.framesSent}`;
  }

  /** Applies an echoed mark if it belongs to this turn. */
  onMark(name: string): void {
    const m = /^a:(\d+):(\d+)$/.exec(name);
    if (m && Number(m[1]) === this.seq) this.framesPlayed = Math.max(this.framesPlayed, Number(m[2]));
  }

  /**
   * The transcript cut to the share of audio the caller heard. Transcription runs alongside the audio, so the
   * share of frames played is a fair estimate of the share of words heard; the cut is marked with an ellipsis.
   */
  heardTranscript(): string {
    const words = this.transcript.split(/\s+/).filter(Boolean);
    if (!words.length || this.framesSent === 0) return '';
    const share = Math.min(1, this.framesPlayed / this.framesSent);
    if (share >= 1) return words.join(' ');
    const kept = words.slice(0, Math.floor(words.length * share));
    return kept.length ? `${kept.join(' ')}…` : '';
  }
}
