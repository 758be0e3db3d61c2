/** The business configuration as GET /admin/business/:id returns it (BusinessConfigDto in openapi.json). */
export interface CtaNodeConfig {
  id: string;
  label: string;
  action: 'show_children' | 'send' | 'link' | 'redirect';
  children?: string[];
  url?: string;
  message?: string;
}

export interface BusinessConfig {
  businessId: string;
  businessName: string;
  websiteUrl: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  defaultCountry: string;
  themeColor: string | null;
  businessLogo: string | null;
  chatbotButtonText: string | null;
  widgetPosition: 'center' | 'bottom-right' | 'bottom-left';
  greetingMessage: string | null;
  secondaryGreetingMessage: string | null;
  privacyStatement: string | null;
  personality: string | null;
  primaryGoal: string | null;
  systemPrompt: string | null;
  rules: unknown[];
  voiceEnabled: boolean;
  allowedOrigins: string[];
  ctaTree: Record<string, CtaNodeConfig>;
  experiments: unknown[];
  settings: {
    chatRateLimitPerMinute?: number;
    ipRateLimitPerMinute?: number;
    ragMinConfidence?: number;
    sessionTokens?: 'on' | 'off';
  };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export async function loadBusiness(
  api: { get<T>(path: string): Promise<T> },
  businessId: string,
): Promise<BusinessConfig> {
  const { config } = await api.get<{ config: BusinessConfig }>(`/admin/business/${encodeURIComponent(businessId)}`);
  return config;
}

/** The buttons a visitor sees first, as the widget picks them (src/tenant/cta-tree.ts entryCtas). */
export function entryButtons(tree: Record<string, CtaNodeConfig>): CtaNodeConfig[] {
  const main = tree.main_menu;
  if (main?.children?.length) return main.children.map((id) => tree[id]).filter((n): n is CtaNodeConfig => !!n);
  const childIds = new Set(Object.values(tree).flatMap((n) => n.children ?? []));
  return Object.values(tree).filter((n) => !childIds.has(n.id) && n.action === 'show_children');
}

/** Black or white, whichever reads better on `hex`: one of them always reaches 4.5:1 (WCAG AA). */
export function readableOn(hex: string): '#000000' | '#ffffff' {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex.slice(0, 7);
  const channel = (i: number) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}
