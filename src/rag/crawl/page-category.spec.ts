import { categorizePage } from 'src/rag/crawl/page-category';

describe('categorizePage', () => {
  it.each([
    ['https://goaccel.ai/privacy-policy/', 'Privacy Policy', 'Legal'],
    ['https://goaccel.ai/terms-conditions/', null, 'Legal'],
    ['https://goaccel.ai/about-us/', 'About Us', 'About'],
    ['https://goaccel.ai/solutions/', 'Solutions', 'Services'],
    ['https://acme.example.com/pricing', 'Plans', 'Pricing'],
    ['https://acme.example.com/faq', null, 'FAQ'],
    ['https://acme.example.com/contact-us', null, 'Contact'],
    ['https://acme.example.com/blog/winter-tips', null, 'Blog'],
    ['https://acme.example.com/', 'Acme Plumbing Services and Pricing', 'General'],
    ['https://acme.example.com/p/123', 'Our Pricing', 'Pricing'],
    ['https://acme.example.com/%E0%A4%A', null, 'General'],
  ])('files %s (title %s) under %s', (url, title, expected) => {
    expect(categorizePage(url, title)).toBe(expected);
  });
});
