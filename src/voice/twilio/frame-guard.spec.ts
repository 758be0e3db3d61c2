import { FrameGuard } from 'src/voice/twilio/frame-guard';

describe(FrameGuard.name, () => {
  it('refuses binary and oversized frames', () => {
    const sut = new FrameGuard(1000, 100);
    expect(sut.check(10, true, 0)).toBe('binary frames are not accepted');
    expect(sut.check(1001, false, 0)).toBe('frame too large');
    expect(sut.check(1000, false, 0)).toBeNull();
  });

  it("admits Twilio's steady 50 frames a second indefinitely but stops a flood", () => {
    const steady = new FrameGuard(1000, 100);
    for (let t = 0; t < 60_000; t += 20) expect(steady.check(200, false, t)).toBeNull();
    const flood = new FrameGuard(1000, 100);
    const verdicts = Array.from({ length: 150 }, () => flood.check(200, false, 1000));
    // The full bucket of 100 admits a burst of 100 at one instant; the 50 after it are refused.
    expect(verdicts.slice(0, 100)).toEqual(Array(100).fill(null));
    expect(verdicts.slice(100)).toEqual(Array(50).fill('frame rate limit exceeded'));
  });
});
