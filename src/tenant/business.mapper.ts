import { entryCtas } from 'src/tenant/cta-tree';
import type { BusinessConfigDto, PublicBusinessConfigDto } from 'src/tenant/dto/business-responses.dto';
import type { TenantConfig } from 'src/tenant/tenant-config';

export function toConfigDto(b: TenantConfig): BusinessConfigDto {
  return {
    businessId: b.businessId,
    businessName: b.businessName,
    systemPrompt: b.systemPrompt,
    primaryGoal: b.primaryGoal,
    personality: b.personality,
    greetingMessage: b.greetingMessage,
    secondaryGreetingMessage: b.secondaryGreetingMessage,
    privacyStatement: b.privacyStatement,
    themeColor: b.themeColor,
    widgetPosition: b.widgetPosition,
    websiteUrl: b.websiteUrl,
    contactEmail: b.contactEmail,
    contactPhone: b.contactPhone,
    chatbotButtonText: b.chatbotButtonText,
    businessLogo: b.businessLogo,
    voiceEnabled: b.voiceEnabled,
    defaultCountry: b.defaultCountry,
    ctaTree: b.ctaTree,
    rules: [...b.rules],
    profiles: b.profiles as BusinessConfigDto['profiles'],
    flows: [...b.flows],
    intents: b.intents.map((i) => ({ ...i, examples: [...i.examples] })),
    timezone: b.timezone,
    // The signing secret is write-only: the response says whether one is set.
    handoff: {
      afterNegativeTurns: b.handoff.afterNegativeTurns,
      message: b.handoff.message,
      webhookUrl: b.handoff.webhookUrl,
      webhookSecretSet: Boolean(b.handoff.webhookSecret),
    },
    experiments: [...b.experiments],
    tests: [...b.tests],
    allowedOrigins: [...b.allowedOrigins],
    settings: b.settings as Record<string, unknown>,
    version: b.version,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

/** What a widget may see: never the system prompt, rules, experiments or settings. */
export function toPublicConfigDto(b: TenantConfig): PublicBusinessConfigDto {
  return {
    businessId: b.businessId,
    businessName: b.businessName,
    greetingMessage: b.greetingMessage,
    secondaryGreetingMessage: b.secondaryGreetingMessage,
    privacyStatement: b.privacyStatement,
    themeColor: b.themeColor,
    widgetPosition: b.widgetPosition,
    websiteUrl: b.websiteUrl,
    contactEmail: b.contactEmail,
    contactPhone: b.contactPhone,
    chatbotButtonText: b.chatbotButtonText,
    businessLogo: b.businessLogo,
    voiceEnabled: b.voiceEnabled,
    ctaTree: b.ctaTree,
    entryCtas: entryCtas(b.ctaTree),
  };
}
