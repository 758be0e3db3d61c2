import { retrievalQuery } from 'src/rag/search/retrieval-query';

describe(retrievalQuery.name, () => {
  it.each(['What does GoAccel do?', 'what is goaccel', 'Tell me about you guys', 'What do you do?'])(
    'adds describing words to "%s", which asks what the business is',
    (question) => {
      expect(retrievalQuery(question, 'GoAccel')).toMatch(/helps businesses grow services/);
    },
  );

  it.each(['What does GoAccel charge?', 'Do you work with plumbers?', 'hours', ''])('searches "%s" as asked', (q) => {
    expect(retrievalQuery(q, 'GoAccel')).toBe(q);
  });
});
