import type { LiveServerMessage } from '@google/genai';

import { ModelLink } from 'src/voice/call/model-link';
import {
  LiveModelConnector,
  LiveModelSession,
  LiveSessionCallbacks,
  LiveSessionOptions,
} from 'src/voice/live/live-model.port';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';

/** Records every session it opens; tests drive the model side through the captured callbacks. */
class FakeConnector extends LiveModelConnector {
  readonly opened: { options: LiveSessionOptions; callbacks: LiveSessionCallbacks; sent: Buffer[]; closed: boolean }[] =
    [];
  failNext = false;

  connect(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    if (this.failNext) return Promise.reject(new Error('unreachable'));
    const record = { options, callbacks, sent: [] as Buffer[], closed: false };
    this.opened.push(record);
    return Promise.resolve({
      sendAudio: (pcm) => record.sent.push(pcm),
      sendText: () => undefined,
      sendContext: () => undefined,
      sendToolResponse: () => undefined,
      close: () => (record.closed = true),
    });
  }
}

const msg = (m: object) => m as LiveServerMessage;

describe(ModelLink.name, () => {
  const setup = () => {
    const connector = new FakeConnector();
    const failures: string[] = [];
    const metrics = new VoiceMetrics();
    const sut = new ModelLink(
      connector,
      { systemInstruction: 'x', tools: [], voiceName: null, language: null },
      { onMessage: () => undefined, onFailure: (why) => failures.push(why) },
      metrics,
      {},
    );
    return { connector, failures, metrics, sut };
  };

  it('resumes with the latest handle on goAway and delivers audio buffered meanwhile, in order', async () => {
    const { connector, sut } = setup();
    await sut.open();
    connector.opened[0].callbacks.onMessage(msg({ sessionResumptionUpdate: { newHandle: 'h2', resumable: true } }));
    connector.opened[0].callbacks.onMessage(msg({ goAway: { timeLeft: '5s' } }));
    sut.sendAudio(Buffer.from([1]));
    sut.sendAudio(Buffer.from([2]));
    await new Promise((r) => setImmediate(r));
    expect(connector.opened[1].options.resumeHandle).toBe('h2');
    expect(connector.opened[1].sent.map((b) => b[0])).toEqual([1, 2]);
    expect(connector.opened[0].closed).toBe(true);
  });

  it('reports failure when the model socket drops and there is nothing to resume', async () => {
    const { connector, failures, sut } = setup();
    await sut.open();
    connector.opened[0].callbacks.onClose({ code: 1011, reason: 'boom' });
    expect(failures).toEqual(['model socket closed (1011)']);
  });

  it('reports failure when resuming fails', async () => {
    const { connector, failures, sut } = setup();
    await sut.open();
    connector.opened[0].callbacks.onMessage(msg({ sessionResumptionUpdate: { newHandle: 'h', resumable: true } }));
    connector.failNext = true;
    connector.opened[0].callbacks.onClose({ code: 1006, reason: '' });
    await new Promise((r) => setImmediate(r));
    expect(failures).toEqual(['model reconnect failed']);
  });

  it('keeps at most two seconds of audio while disconnected and counts what it drops', async () => {
    const { metrics, sut } = setup();
    for (let i = 0; i < 130; i++) sut.sendAudio(Buffer.from([i]));
    expect(metrics.framesDropped).toBe(30);
  });

  it('ignores callbacks from a session it has closed', async () => {
    const { connector, failures, sut } = setup();
    await sut.open();
    sut.close();
    connector.opened[0].callbacks.onClose({ code: 1000, reason: '' });
    expect(failures).toEqual([]);
  });
});
