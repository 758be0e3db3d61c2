import { AssistantTurn } from 'src/voice/call/assistant-turn';

describe(AssistantTurn.name, () => {
  it('keeps the words the caller heard, judged by the last echoed mark', () => {
    const sut = new AssistantTurn(3);
    sut.appendTranscript('one two three four five six seven eight nine ten');
    sut.framesSent = 50;
    sut.onMark('a:3:25');
    sut.onMark('a:2:50');
    expect(sut.heardTranscript()).toBe('one two three four five…');
  });

  it('keeps everything once all frames were played', () => {
    const sut = new AssistantTurn(1);
    sut.appendTranscript('hello there');
    sut.framesSent = 10;
    sut.onMark('a:1:10');
    expect(sut.heardTranscript()).toBe('hello there');
  });

  it('records nothing when no audio was heard', () => {
    const sut = new AssistantTurn(1);
    sut.appendTranscript('hello there');
    sut.framesSent = 10;
    expect(sut.heardTranscript()).toBe('');
  });
});
