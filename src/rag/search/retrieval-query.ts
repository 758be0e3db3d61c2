/**
 * What a question asks about the business itself ("What does GoAccel do?", "What is Acme?", "Tell me about you
 * guys") is made of stop words and the business name, which retrieval cannot match to the page that answers it
 * (an "About us" or "What we do" page says "helps … businesses … services"). Such questions are searched with those
 * describing words added; every other question is searched as asked.
 */
const GENERIC = new Set(
  (
    'what whats does do did is are was who tell me us about you your yours guys exactly the a an company business ' +
    'firm team do please can could explain describe overview offer and so'
  ).split(' '),
);
const EXPANSION = 'helps businesses grow services solutions who we are what we do';

export function retrievalQuery(question: string, businessName: string): string {
  const words = question.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const name = new Set(businessName.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const asksAboutUs = words.some((w) => name.has(w) || w === 'you' || w === 'guys');
  const rest = words.filter((w) => !GENERIC.has(w) && !name.has(w));
  return asksAboutUs && rest.length === 0 && words.length > 0 ? `${question} ${businessName} ${EXPANSION}` : question;
}
