import { mulaw } from 'alawmulaw';

/** G.711 μ-law, as Twilio Media Streams carry it. Decoding is a 256-entry table built once from alawmulaw. */
const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, b) => mulaw.decodeSample(b));

/** μ-law byte for silence (positive zero). */
export const MULAW_SILENCE = 0xff;

export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i]];
  return out;
}

export function encodeMulaw(samples: Int16Array): Uint8Array {
  return mulaw.encode(samples);
}

/** Little-endian PCM16 bytes (Gemini's wire format) → samples, copying so odd offsets are safe. */
export function pcm16FromBytes(bytes: Buffer): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

export function pcm16ToBytes(samples: Int16Array): Buffer {
  const buf = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i], i * 2);
  return buf;
}
