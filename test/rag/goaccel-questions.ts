/**
 * Paraphrased visitor questions about goaccel.ai, each with the page(s) that answer it. Written by reading
 * ../shared/datasets/goaccel-kb.jsonl; wording deliberately differs from the page text. Several pages are accepted
 * only where the site itself answers in more than one place (e.g. the contact phone is on every legal page, and each
 * trade has its own page besides the Home & Commercial Services list).
 */
const page = (path: string) => `https://goaccel.ai${path}`;

export interface KbQuestion {
  question: string;
  urls: string[];
}

export const GOACCEL_QUESTIONS: KbQuestion[] = [
  // Booked Job Acquisition System
  {
    question: "When a caller can't reach us, does your system automatically text them back?",
    urls: [page('/booked-job-acquisition-system/')],
  },
  // Three pages promise estimate follow-ups; the first names "unresponsive prospects" outright.
  {
    question: 'How do you chase quotes we sent that the homeowner never answered?',
    urls: [
      page('/booked-job-acquisition-system/'),
      page('/crm-business-growth-management-software-solutions/'),
      page('/marketing-automation/'),
    ],
  },
  // Reviews, retention, Google profile, ads, SEO, website, marketing
  {
    question: 'If a client is upset, can you stop them leaving a bad rating in public?',
    urls: [page('/customer-review-management-system/')],
  },
  {
    question: 'How do we get former customers to hire us again and send referrals?',
    urls: [page('/customer-retention-system/')],
  },
  {
    question: 'Can you push us higher on Google Maps when people nearby search for our service?',
    urls: [page('/google-business-profile-optimization/')],
  },
  {
    question: 'Do you handle our Google advertising, bids and negative keywords?',
    urls: [page('/google-ads-management/')],
  },
  {
    question: 'Can you get us ranking organically so we stop paying for every lead?',
    urls: [page('/local-search-dominance/')],
  },
  {
    question: 'Will our new site load quickly and work well on phones?',
    urls: [page('/high-performance-website-system/')],
  },
  {
    question: 'Do you run the whole funnel, from landing pages to paid campaigns, and optimize on real conversions?',
    urls: [page('/growth-acceleration-marketing-system/')],
  },
  // Software
  {
    question: 'Where can my staff see every customer conversation, note and task in one record?',
    urls: [page('/customer-relationship-management/')],
  },
  {
    question: "Can I rename the sales stages, like 'estimate sent' or 'pending approval'?",
    urls: [page('/deal-pipeline-management/')],
  },
  {
    question: 'We have a follow-up problem, not a lead problem; what runs outreach for us in the background?',
    urls: [page('/marketing-automation/')],
  },
  {
    question: 'Our opening hours and address are wrong on some directories; can you fix that everywhere?',
    urls: [page('/business-listing-management/')],
  },
  {
    question: 'What does your growth software do besides storing contacts?',
    urls: [page('/crm-business-growth-management-software-solutions/')],
  },
  {
    question: 'Which agency services do you provide: branding, SEO, conversion optimization?',
    urls: [page('/digital-agency-solutions/')],
  },
  {
    question: 'Can you diagnose what is holding our revenue back and give us a plan with measurable targets?',
    urls: [page('/strategic-growth-consulting/')],
  },
  // Who it is for
  { question: 'Is this for lawyers and accountants too?', urls: [page('/professional-services/')] },
  {
    question: 'I own a hair salon and a dog grooming shop; can you keep my calendar full?',
    urls: [page('/personal-services/')],
  },
  { question: 'Would this work for a dentist or a chiropractic clinic?', urls: [page('/healthcare-wellness/')] },
  { question: 'Does it suit insurance agents and mortgage lenders?', urls: [page('/financial-services/')] },
  {
    question: 'We cater weddings and rent out a venue; can you help us fill dates?',
    urls: [page('/hospitality-travel-events/')],
  },
  {
    question: 'Do you work with plumbing, roofing and landscaping companies?',
    urls: [
      page('/home-commercial-services/'),
      page('/plumbing-growth-acceleration-software/'),
      page('/roofing-growth-acceleration-software/'),
    ],
  },
  {
    question: 'What kinds of businesses do you serve and what problems do they share?',
    urls: [page('/industries-served/'), page('/about-us/')],
  },
  {
    question: 'Can you help a locksmith get more jobs?',
    urls: [page('/locksmith-growth-acceleration-software/'), page('/home-commercial-services/')],
  },
  {
    question: 'Do you have something for pest control operators?',
    urls: [page('/pest-control-growth-acceleration-software/'), page('/home-commercial-services/')],
  },
  // Company
  { question: 'Tell me about the people behind GoAccel.', urls: [page('/who-we-are/')] },
  { question: 'How does your approach keep growth from depending on one person?', urls: [page('/about-us/')] },
  {
    question: 'How do you connect marketing to the day-to-day sales process, for one location or many markets?',
    urls: [page('/what-we-do/')],
  },
  { question: 'I am an investor: why is GoAccel a good opportunity?', urls: [page('/investor-relations/')] },
  {
    question: "I'm planning to retire; can you help me get the best price when selling my company?",
    urls: [page('/sell-my-business-get-the-blueprint/')],
  },
  {
    question: 'Do you give away any free tools, like a calendar or an email signature maker?',
    urls: [page('/resources/')],
  },
  { question: 'Can software developers build apps on your platform?', urls: [page('/resources/')] },
  // Legal
  {
    question: 'Do you sell visitor data to advertisers, and how do I opt out?',
    urls: [page('/do-not-sell-or-share-information/')],
  },
  { question: 'What information do you gather when I sign up and pay?', urls: [page('/privacy-policy/')] },
  { question: 'Will I get my money back if I cancel my subscription?', urls: [page('/terms-conditions/')] },
  { question: 'Which courts handle a legal dispute with you?', urls: [page('/terms-conditions/')] },
  {
    question: 'Who is responsible for getting consent before sending SMS to my customers?',
    urls: [page('/terms-conditions/')],
  },
  { question: 'As a European user, can I ask you to delete or export my data?', urls: [page('/gdpr/')] },
  { question: 'Does my data get sent to the United States?', urls: [page('/gdpr/')] },
  { question: 'Are you the controller or the processor for the contacts we import?', urls: [page('/gdpr/')] },
  {
    question: "What's your phone number?",
    urls: [page('/privacy-policy/'), page('/terms-conditions/'), page('/gdpr/')],
  },
  { question: 'How will I know if the privacy policy changes?', urls: [page('/privacy-policy/')] },
];
