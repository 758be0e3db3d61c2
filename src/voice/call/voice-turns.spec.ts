import { newSessionState } from 'src/conversation/session-state';
import { RulesService } from 'src/rules/rules.service';
import type { TranscriptService, TurnRecord } from 'src/session/transcript.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import type { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import type { UnderstandingService } from 'src/understanding/understanding.service';
import type { MessageUnderstanding } from 'src/understanding/understanding.types';
import { CallTranscript } from 'src/voice/call/call-transcript';
import { DtmfMenu } from 'src/voice/call/dtmf-menu';
import { type VoiceTurnActions, VoiceTurns } from 'src/voice/call/voice-turns';
import { strictMock } from 'test/support/strict-mock';

const CALL = `CA${'0'.repeat(32)}`;

function setup(
  business: Partial<TenantConfig>,
  readings: Partial<Record<string, MessageUnderstanding>> = {},
  variables: Record<string, unknown> = {},
) {
  const config = {
    businessId: 'acme',
    timezone: 'UTC',
    rules: [],
    flows: [],
    handoff: {},
    ctaTree: {
      quote: { id: 'quote', label: 'Get a quote', action: 'send', message: 'I want a quote' },
      faq: { id: 'faq', label: 'Questions', action: 'send', message: 'I have a question' },
    },
    ...business,
  } as unknown as TenantConfig;
  const state = newSessionState('acme', CALL, 'voice');
  const written: TurnRecord[] = [];
  const transcript = new CallTranscript(
    strictMock<TranscriptService>({
      recordTurn: (turn: TurnRecord) => {
        written.push(turn);
        return Promise.resolve();
      },
    }),
    'acme',
    CALL,
    state,
    'US',
  );
  const actions = { say: jest.fn(), instruct: jest.fn(), handOff: jest.fn() } satisfies VoiceTurnActions;
  const understanding = strictMock<UnderstandingService>({
    understand: (_b: TenantConfig, text: string) =>
      Promise.resolve(
        readings[text] ?? {
          intent: { name: 'other', confidence: 0.5, source: 'offline' },
          sentiment: { label: 'neutral', score: 0 },
        },
      ),
  });
  const sut = new VoiceTurns(
    config,
    state,
    transcript,
    new DtmfMenu(config.ctaTree ?? {}),
    { rules: new RulesService(strictMock<TenantLifecycle>()), understanding },
    actions,
    variables,
  );
  const utter = async (text: string, live = true) => {
    transcript.appendCaller(text);
    sut.closeCallerTurn(null, live);
    await transcript.drained();
  };
  return { sut, state, actions, written, utter, transcript };
}

const negative = (text: string): Record<string, MessageUnderstanding> => ({
  [text]: {
    intent: { name: 'complaint', confidence: 0.8, source: 'offline' },
    sentiment: { label: 'negative', score: -0.7 },
  },
});

describe(VoiceTurns.name, () => {
  it('hands off after the configured number of negative utterances in a row, not before', async () => {
    const { actions, utter } = setup(
      { handoff: { afterNegativeTurns: 2 } },
      { ...negative('This is awful'), ...negative('Still awful') },
    );
    await utter('This is awful');
    await utter('Fine, thanks');
    await utter('This is awful');
    expect(actions.handOff).not.toHaveBeenCalled();
    await utter('Still awful');
    expect(actions.handOff).toHaveBeenCalledWith('negative_sentiment:2');
  });

  it('steers the next answer with collect and the shown CTAs as keypad options, and keeps metadata for later rules', async () => {
    const { actions, state, utter } = setup({
      rules: [
        {
          id: 'quote',
          when: { '==': [{ var: 'turn' }, 1] },
          then: [
            { collect: ['email'] },
            { showCtas: ['quote', 'faq'] },
            { hideCtas: ['faq'] },
            { setMetadata: { stage: 'quote' } },
          ],
        },
        { id: 'staged', when: { '==': [{ var: 'metadata.stage' }, 'quote'] }, then: [{ tag: 'staged' }] },
      ],
    } as unknown as Partial<TenantConfig>);
    await utter('I need a plumber');
    expect(actions.say).not.toHaveBeenCalled();
    expect(actions.instruct).toHaveBeenCalledWith(
      'Ask the caller for their email address.\nAfter your answer, read the caller these keypad options: Press 1 for Get a quote.',
    );
    expect(state.clientMetadata).toEqual({ stage: 'quote' });
    expect(state.conversation.tags).toEqual(['staged']);
    await utter('Anything else?');
    expect(state.conversation.tags).toEqual(['staged']);
  });

  it("lets voice rules read the call's experiment variant, as chat rules do", async () => {
    const { actions, utter } = setup(
      {
        rules: [
          { id: 'short', when: { '==': [{ var: 'experiment.greeting' }, 'short'] }, then: [{ reply: 'Quick one!' }] },
        ],
      } as unknown as Partial<TenantConfig>,
      {},
      { variant: 'short', experiment: { greeting: 'short' } },
    );
    await utter('Hello there');
    expect(actions.say).toHaveBeenCalledWith('Quick one!');
  });

  it('only reads and records the utterance once the call is ending', async () => {
    const { actions, utter, written } = setup({
      rules: [{ id: 'always', when: true, then: [{ reply: 'Hello!' }] }],
    } as unknown as Partial<TenantConfig>);
    await utter('Bye now', false);
    expect(actions.say).not.toHaveBeenCalled();
    expect(written.flatMap((w) => w.messages)).toEqual([
      expect.objectContaining({ role: 'user', content: 'Bye now', intent: { name: 'other', confidence: 0.5 } }),
    ]);
  });
});
