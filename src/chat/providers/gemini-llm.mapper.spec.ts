import {
  assemble,
  mapFinishReason,
  REPLAYED_CALL_SIGNATURE,
  toGeminiContents,
} from 'src/chat/providers/gemini-llm.mapper';

describe('gemini-llm.mapper', () => {
  describe(toGeminiContents.name, () => {
    it('drops turns that would become empty contents, which Gemini rejects', () => {
      expect(
        toGeminiContents([{ role: 'user', text: '   ' }, { role: 'model' }, { role: 'tool', results: [] }]),
      ).toEqual([]);
    });

    it('puts a replay signature on the first function call of a step only', () => {
      const [content] = toGeminiContents([
        {
          role: 'model',
          toolCalls: [
            { name: 'a', args: {} },
            { name: 'b', args: { x: 1 }, id: 'call-2' },
          ],
        },
      ]);
      expect(content.parts).toEqual([
        { functionCall: { name: 'a', args: {} }, thoughtSignature: REPLAYED_CALL_SIGNATURE },
        { functionCall: { name: 'b', args: { x: 1 }, id: 'call-2' } },
      ]);
    });

    it('sends tool results as functionResponse parts of a user content', () => {
      expect(toGeminiContents([{ role: 'tool', results: [{ id: 'c1', name: 'a', response: { ok: true } }] }])).toEqual([
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: { ok: true }, id: 'c1' } }] },
      ]);
    });
  });

  describe(mapFinishReason.name, () => {
    it.each([
      ['STOP', false, 'stop'],
      [undefined, false, 'stop'],
      ['STOP', true, 'tool_calls'],
      ['MAX_TOKENS', false, 'length'],
      ['SAFETY', true, 'safety'],
      ['PROHIBITED_CONTENT', false, 'safety'],
      ['RECITATION', false, 'safety'],
      ['MALFORMED_FUNCTION_CALL', false, 'other'],
    ] as const)('maps %s (tool calls: %s) to %s', (reason, hasCalls, expected) => {
      expect(mapFinishReason(reason, hasCalls)).toBe(expected);
    });
  });

  it('never lets text generated before a safety block through', () => {
    expect(assemble('partial', [{ name: 'a', args: {} }], 'SAFETY')).toEqual({
      text: '',
      toolCalls: [],
      finishReason: 'safety',
      provider: 'gemini',
    });
  });
});
