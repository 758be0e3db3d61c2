import { askedField } from 'src/chat/pipeline/asked-field';

describe(askedField.name, () => {
  it('reads the field the closing question asks for', () => {
    expect(askedField('We fix leaks.<br><br>May I have your name?', ['firstName', 'email'])).toBe('firstName');
    expect(askedField("Thanks!<br><br>What's the best email address to reach you?", ['email'])).toBe('email');
    expect(askedField("What's a good phone number for you?", ['phone'])).toBe('phone');
  });

  it('ignores fields that are already known and replies without a question', () => {
    expect(askedField('May I have your name?', ['email'])).toBeNull();
    expect(askedField('Our company was founded in 1990.', ['company'])).toBeNull();
  });
});
