import { FramePacker } from 'src/voice/audio/frame-packer';
import { MULAW_SILENCE } from 'src/voice/audio/mulaw-codec';

describe(FramePacker.name, () => {
  it('emits whole 160-byte frames in order and carries the remainder', () => {
    const sut = new FramePacker();
    const bytes = Uint8Array.from({ length: 400 }, (_, i) => i % 251);
    const frames = [...sut.push(bytes.subarray(0, 100)), ...sut.push(bytes.subarray(100))];
    expect(frames.map((f) => f.length)).toEqual([160, 160]);
    expect(Buffer.concat(frames).equals(Buffer.from(bytes.subarray(0, 320)))).toBe(true);
    expect(sut.pendingBytes).toBe(80);
  });

  it('pads the last partial frame with μ-law silence on flush', () => {
    const sut = new FramePacker();
    sut.push(new Uint8Array(10).fill(7));
    const [last] = sut.flush();
    expect(last.length).toBe(160);
    expect(last[9]).toBe(7);
    expect(last[10]).toBe(MULAW_SILENCE);
    expect(sut.flush()).toEqual([]);
  });
});
