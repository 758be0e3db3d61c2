import { SseParser } from './sse';

describe(SseParser.name, () => {
  it('parses events as /chat/stream writes them', () => {
    const events = new SseParser().push(
      'event: delta\ndata: {"text":"Hi"}\n\nevent: done\ndata: {"response":"Hi"}\n\n',
    );
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"Hi"}' },
      { event: 'done', data: '{"response":"Hi"}' },
    ]);
  });

  it('completes an event split across chunks, anywhere, including inside the blank line', () => {
    const parser = new SseParser();
    const text = 'event: delta\ndata: {"text":"a"}\n\nevent: error\ndata: {"message":"x"}\n\n';
    const got = [];
    for (const ch of text) got.push(...parser.push(ch));
    expect(got.map((e) => e.event)).toEqual(['delta', 'error']);
  });

  it('joins multi-line data, accepts CRLF, ignores comments and defaults the event name to message', () => {
    const events = new SseParser().push(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\n');
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
