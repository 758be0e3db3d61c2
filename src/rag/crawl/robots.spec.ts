import { parseRobots } from 'src/rag/crawl/robots';

const ROBOTS = [
  'User-agent: *',
  'Disallow: /private/',
  'Allow: /private/press',
  'Crawl-delay: 2',
  '',
  'User-agent: ConciergeBot',
  'Disallow: /no-bots',
  'Crawl-delay: 600',
  '',
  'Sitemap: https://acme.example.com/sitemap_index.xml',
].join('\n');

describe('parseRobots', () => {
  it('applies the group that names our agent, not the wildcard group', () => {
    const rules = parseRobots('https://acme.example.com/robots.txt', ROBOTS, 'ConciergeBot');

    expect(rules.isAllowed('https://acme.example.com/no-bots')).toBe(false);
    expect(rules.isAllowed('https://acme.example.com/private/x')).toBe(true);
  });

  it('applies the wildcard group to other agents, with Allow overriding a shorter Disallow', () => {
    const rules = parseRobots('https://acme.example.com/robots.txt', ROBOTS, 'OtherBot');

    expect(rules.isAllowed('https://acme.example.com/private/x')).toBe(false);
    expect(rules.isAllowed('https://acme.example.com/private/press')).toBe(true);
    expect(rules.crawlDelayMs).toBe(2000);
  });

  it('lists Sitemap lines and caps an excessive Crawl-delay at ten seconds', () => {
    const rules = parseRobots('https://acme.example.com/robots.txt', ROBOTS, 'ConciergeBot');

    expect(rules.sitemaps).toEqual(['https://acme.example.com/sitemap_index.xml']);
    expect(rules.crawlDelayMs).toBe(10_000);
  });

  it('allows everything when robots.txt is empty', () => {
    expect(
      parseRobots('https://a.example.com/robots.txt', '', 'ConciergeBot').isAllowed('https://a.example.com/x'),
    ).toBe(true);
  });
});
