import { InboundAudio, OutboundAudio } from 'src/voice/audio/call-audio';
import { TWILIO_FRAME_BYTES } from 'src/voice/audio/frame-packer';
import { decodeMulaw, encodeMulaw, pcm16FromBytes, pcm16ToBytes } from 'src/voice/audio/mulaw-codec';
import { sineTone } from 'src/voice/audio/tone';
import { concatInt16, toneSnrDb, zeroCrossingFrequency } from 'test/voice/support/signal-analysis';

// μ-law is an 8-bit log codec: ~38 dB SNR on a full-scale-ish tone; with resampling on top we ask for 30 dB.
const MULAW_PATH_SNR_DB = 30;

describe('call audio pipeline', () => {
  it('turns 20 ms μ-law frames into 16 kHz PCM holding the same tone', () => {
    const sut = new InboundAudio();
    const mulaw = encodeMulaw(sineTone({ freq: 800, rate: 8000, ms: 600 }));
    const parts: Int16Array[] = [];
    for (let o = 0; o < mulaw.length; o += TWILIO_FRAME_BYTES) {
      const pcm = sut.process(mulaw.subarray(o, o + TWILIO_FRAME_BYTES));
      expect(pcm.length).toBe(640);
      parts.push(pcm16FromBytes(pcm));
    }
    const body = concatInt16(parts).subarray(400, -400);
    expect(zeroCrossingFrequency(body, 16000)).toBeCloseTo(800, 0);
    expect(toneSnrDb(body, 16000, 800)).toBeGreaterThan(MULAW_PATH_SNR_DB);
  });

  it('re-frames 24 kHz model audio of any chunk size into 160-byte μ-law frames of the same tone', () => {
    const sut = new OutboundAudio();
    const pcm = pcm16ToBytes(sineTone({ freq: 1000, rate: 24000, ms: 1000 }));
    const frames: Buffer[] = [];
    // Odd chunk sizes split samples across messages, as a network may.
    for (let o = 0, i = 0; o < pcm.length; i++) {
      const n = [4801, 999, 3, 12000][i % 4];
      frames.push(...sut.process(pcm.subarray(o, o + n)));
      o += n;
    }
    frames.push(...sut.flush());
    expect(frames.every((f) => f.length === TWILIO_FRAME_BYTES)).toBe(true);
    expect(frames.length).toBe(50);
    const decoded = decodeMulaw(Buffer.concat(frames)).subarray(200, -200);
    expect(zeroCrossingFrequency(decoded, 8000)).toBeCloseTo(1000, 0);
    expect(toneSnrDb(decoded, 8000, 1000)).toBeGreaterThan(MULAW_PATH_SNR_DB);
  });

  it('drops buffered audio on clear so nothing of an interrupted turn is sent later', () => {
    const sut = new OutboundAudio();
    expect(sut.process(pcm16ToBytes(sineTone({ freq: 500, rate: 24000, ms: 10 })))).toHaveLength(0);
    sut.clear();
    expect(sut.flush()).toHaveLength(0);
  });
});
