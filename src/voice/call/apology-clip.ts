import { encodeMulaw } from 'src/voice/audio/mulaw-codec';
import { sineTone } from 'src/voice/audio/tone';

/**
 * A soft descending two-note chime (μ-law, 8 kHz), rendered once at start-up. It is what the caller hears the
 * instant the model fails — no offline TTS is available — and the spoken apology follows from Twilio's own <Say>
 * in the TwiML answered after the stream ends.
 */
export function renderApologyChime(): Buffer {
  const note = (freq: number) => {
    const tone = sineTone({ freq, rate: 8000, ms: 280, amplitude: 6000 });
    // 20 ms fades so the notes start and stop without clicks.
    const fade = 160;
    for (let i = 0; i < fade; i++) {
      tone[i] = Math.round((tone[i] * i) / fade);
      tone[tone.length - 1 - i] = Math.round((tone[tone.length - 1 - i] * i) / fade);
    }
    return tone;
  };
  const gap = new Int16Array(480);
  const parts = [note(660), gap, note(494), gap];
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    pcm.set(p, o);
    o += p.length;
  }
  return Buffer.from(encodeMulaw(pcm));
}
