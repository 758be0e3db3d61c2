import type { LlmRequest } from 'src/chat/llm-provider.port';
import { isBoilerplate, OfflineLlmProvider } from 'src/chat/providers/offline-llm.provider';
import type { ToolDeclaration } from 'src/crm/crm-tools.port';

const createContact: ToolDeclaration = {
  name: 'create_contact',
  description: 'Create a contact',
  parameters: {
    type: 'object',
    properties: {
      first_name: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      notes: { type: 'string' },
    },
    required: ['email'],
  },
};

const request = (overrides: Partial<LlmRequest['grounding']> = {}, extra: Partial<LlmRequest> = {}): LlmRequest => ({
  systemInstruction: 'sys',
  turns: [{ role: 'user', text: 'What are your opening hours?' }],
  tools: [],
  grounding: {
    passages: [],
    captured: {},
    missing: ['firstName', 'email', 'phone'],
    businessName: 'Acme',
    ...overrides,
  },
  ...extra,
});

const passage = (text: string) => ({
  chunkId: 'c1',
  documentId: 'd1',
  url: 'https://a.example.com',
  title: 'Hours',
  text,
  score: 0.9,
});

describe(OfflineLlmProvider.name, () => {
  const sut = new OfflineLlmProvider();

  it('answers from the passage sentences that match the question, then asks for the next missing field', async () => {
    const out = await sut.generate(
      request({
        passages: [
          {
            ...passage('We are a family business since 1990. Our opening hours are 8am to 6pm, Monday to Friday.'),
            title: 'About us',
          },
        ],
      }),
    );
    expect(out).toMatchObject({ provider: 'offline', finishReason: 'stop', toolCalls: [] });
    expect(out.text).toBe(
      'Here is what I found: Our opening hours are 8am to 6pm, Monday to Friday.<br><br>May I have your name?',
    );
  });

  it('matches word forms and a page title that answers the question', async () => {
    const out = await sut.generate(
      request({
        passages: [{ ...passage('Our office is open Monday to Friday from 8am to 6pm.'), title: 'Opening hours' }],
      }),
    );
    expect(out.text).toContain('Our office is open Monday to Friday from 8am to 6pm.');
  });

  it('acknowledges details the visitor just gave instead of searching the knowledge base for them', async () => {
    const out = await sut.generate(
      request(
        {
          passages: [passage('Our email newsletter goes out monthly. Jane from accounts handles billing questions.')],
          captured: { firstName: 'Jane', email: 'jane@example.com' },
          missing: ['phone'],
        },
        { turns: [{ role: 'user', text: 'My name is Jane Doe and my email is jane@example.com' }] },
      ),
    );
    expect(out.text).toBe(
      "Thanks, <b>Jane</b>. I've noted <b>jane@example.com</b>.<br><br>What's a good phone number for you?",
    );
  });

  it('still answers a question that also carries a detail', async () => {
    const out = await sut.generate(
      request(
        {
          passages: [passage('Our opening hours are 8am to 6pm, Monday to Friday.')],
          captured: { firstName: 'Jane' },
          missing: ['email'],
        },
        { turns: [{ role: 'user', text: "I'm Jane. What are your opening hours?" }] },
      ),
    );
    expect(out.text).toContain('Here is what I found: Our opening hours are 8am to 6pm');
  });

  it('says it does not have the information rather than guessing', async () => {
    const out = await sut.generate(
      request({ passages: [{ ...passage('We repair boilers and radiators in the city area.'), title: 'Services' }] }),
    );
    expect(out.text).toMatch(/^I'm sorry, I don't have that information/);
  });

  it('never asks for a field that is not missing', async () => {
    const out = await sut.generate(request({ missing: ['phone'] }));
    expect(out.text).toMatch(/phone number/);
    expect((await sut.generate(request({ missing: [] }))).text).toMatch(/anything else/);
  });

  it("calls create_contact with the tool's own parameter names once name, email and phone are known", async () => {
    const captured = { firstName: 'Ann', email: 'ann@x.io', phone: '+14155552671' };
    const out = await sut.generate(request({ captured, missing: [] }, { tools: [createContact] }));
    expect(out.toolCalls).toEqual([
      {
        id: 'offline-create-contact',
        name: 'create_contact',
        args: { first_name: 'Ann', email: 'ann@x.io', phone: '+14155552671' },
      },
    ]);
  });

  it('does not create the contact twice', async () => {
    const captured = { firstName: 'Ann', email: 'ann@x.io', phone: '+14155552671' };
    const out = await sut.generate(
      request({ captured, missing: [], crm: { contactId: 'ct_1' } }, { tools: [createContact] }),
    );
    expect(out.toolCalls).toEqual([]);
  });

  it('thanks the visitor by name after the contact was created', async () => {
    const out = await sut.generate(
      request(
        { captured: { firstName: 'Ann' }, missing: [] },
        {
          turns: [
            { role: 'user', text: '555' },
            { role: 'model', toolCalls: [{ name: 'create_contact', args: {} }] },
            { role: 'tool', results: [{ name: 'create_contact', response: { ok: true } }] },
          ],
        },
      ),
    );
    expect(out.text).toMatch(/^Thank you, <b>Ann<\/b>\. I've passed your details/);
  });

  it('answers the question asked on the turn the contact is created, after thanking the visitor', async () => {
    const out = await sut.generate(
      request(
        {
          captured: { firstName: 'Ann' },
          missing: [],
          passages: [passage('We work with HVAC companies across the country. Our office has parking.')],
        },
        {
          turns: [
            { role: 'user', text: 'Do you work with HVAC companies?' },
            { role: 'model', toolCalls: [{ name: 'create_contact', args: {} }] },
            { role: 'tool', results: [{ name: 'create_contact', response: { ok: true } }] },
          ],
        },
      ),
    );
    expect(out.text).toMatch(/^Thank you, <b>Ann<\/b>\. I've passed your details[\s\S]*We work with HVAC companies/);
    expect(out.text).not.toContain('parking');
  });

  it.each([
    ['thanks', /^You're welcome! I'm glad I could help\.<br><br>May I have your name\?$/],
    ['goodbye', /^Thanks for chatting with Acme\. Have a great day!$/],
    ['greeting', /^Hello! How can I help you today\?/],
    ['smalltalk', /^I'm the Acme virtual assistant/],
  ])('answers the %s intent with small talk, without searching the passages', async (intent, expected) => {
    const out = await sut.generate(request({ intent, passages: [passage('We are open Monday to Friday.')] }));
    expect(out.text).toMatch(expected);
  });

  it('prefaces the answer to a complaint with an apology', async () => {
    const out = await sut.generate(
      request({ intent: 'complaint', passages: [passage('Our opening hours are Monday to Friday from 8am to 6pm.')] }),
    );
    expect(out.text).toMatch(/^I'm sorry to hear that, and I want to help\. Here is what I found: Our opening hours/);
  });

  it('never answers with navigation or listing boilerplate, even when it shares the question words', async () => {
    const out = await sut.generate(
      request(
        {
          passages: [
            passage(
              'GoAccel Explained: The All-In-One Growth System by goawayhacker | Jan 1, 2026 | Uncategorized | 0 comments Submit a Comment Cancel reply',
            ),
            passage('GoAccel helps service businesses grow faster with marketing and software. Contact us today.'),
          ],
          businessName: 'GoAccel',
        },
        { turns: [{ role: 'user', text: 'What does GoAccel do?' }] },
      ),
    );
    expect(out.text).toMatch(/^Here is what I found: GoAccel helps service businesses grow faster/);
    expect(out.text).not.toMatch(/goawayhacker|Uncategorized/);
  });

  it.each([
    ['by goawayhacker | Jan 1, 2026 | Uncategorized | 0 comments', true],
    ['Home | About | Services | Contact', true],
    ['HVAC Contractor High Performance Website System HVAC Contractor Customer Acquisition System', true],
    ['Submit a Comment Cancel reply', true],
    ['We answer calls within five minutes, every day of the week.', false],
    ['Our HVAC Growth Plan includes a website and Google Ads.', false],
  ])('isBoilerplate("%s") is %s', (sentence, expected) => {
    expect(isBoilerplate(sentence)).toBe(expected);
  });

  it('streams the same text it generates', async () => {
    const req = request({ passages: [passage('Our opening hours are 8am to 6pm, Monday to Friday.')] });
    let streamed = '';
    for await (const e of sut.stream(req)) if (e.type === 'delta') streamed += e.text;
    expect(streamed).toBe((await sut.generate(req)).text);
  });

  it('summarizes older turns from what the visitor said', async () => {
    const summary = await sut.summarize('Earlier: pricing.', [
      { role: 'user', text: 'Do you fix boilers?' },
      { role: 'model', text: 'Yes.' },
    ]);
    expect(summary).toBe('Earlier: pricing. The visitor said: Do you fix boilers?');
  });
});
