import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';

export class BusinessConfigDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: 'GoAccel' }) businessName: string;
  @ApiPropertyOptional({ type: String, example: 'You are the AI concierge for GoAccel...', nullable: true })
  systemPrompt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Book demos with home-services owners' }) primaryGoal:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Friendly and knowledgeable' }) personality:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Hi, welcome to GoAccel.' }) greetingMessage:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ask me anything or select an option below.' })
  secondaryGreetingMessage: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'We only use your details to contact you.' })
  privacyStatement: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '#667eea' }) themeColor: string | null;
  @ApiProperty({ example: 'center' }) widgetPosition: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://goaccel.ai/' }) websiteUrl: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'info@goaccel.com' }) contactEmail: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '855.915.0747' }) contactPhone: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Send' }) chatbotButtonText: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://goaccel.ai/logo.png' }) businessLogo:
    string | null;
  @ApiProperty({ example: false }) voiceEnabled: boolean;
  @ApiProperty({ example: 'US' }) defaultCountry: string;
  @ApiProperty({ example: {} }) ctaTree: Record<string, unknown>;
  @ApiProperty({ example: [] }) rules: unknown[];
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        systemPrompt: { type: 'string' },
        personality: { type: 'string' },
        primaryGoal: { type: 'string' },
      },
    },
    example: {},
  })
  profiles: Record<string, { systemPrompt?: string; personality?: string; primaryGoal?: string }>;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [] }) flows: unknown[];
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      required: ['name', 'examples'],
      properties: {
        name: { type: 'string' },
        description: { type: 'string' },
        examples: { type: 'array', items: { type: 'string' } },
      },
    },
    example: [{ name: 'industries', examples: ['Do you work with plumbers?'] }],
  })
  intents: Array<{ name: string; description?: string; examples: string[] }>;
  @ApiProperty({ example: 'America/New_York' }) timezone: string;
  @ApiProperty({
    type: 'object',
    properties: {
      afterNegativeTurns: { type: 'integer' },
      message: { type: 'string' },
      webhookUrl: { type: 'string' },
      webhookSecretSet: { type: 'boolean' },
    },
    example: { afterNegativeTurns: 2, webhookUrl: 'https://hooks.example.com/handoff', webhookSecretSet: true },
  })
  handoff: { afterNegativeTurns?: number; message?: string; webhookUrl?: string; webhookSecretSet: boolean };
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [
      {
        id: 'greeting_test',
        status: 'running',
        goal: 'lead_captured',
        startedAt: '2026-11-25T14:00:00.000Z',
        variants: [
          { id: 'control', weight: 1, overrides: {} },
          { id: 'short', weight: 1, overrides: { greetingMessage: 'Hi! What can I fix for you today?' } },
        ],
      },
    ],
  })
  experiments: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ name: 'pricing', turns: [{ message: 'How much is it?', expect: { intent: 'pricing' } }] }],
  })
  tests: unknown[];
  @ApiProperty({ example: [] }) allowedOrigins: string[];
  @ApiProperty({ example: {} }) settings: Record<string, unknown>;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T15:30:00.000Z' }) updatedAt: string;
}

// A whole business as GET /admin/business lists it: the example must satisfy BusinessConfigDto's required fields.
const BUSINESS_CONFIG_EXAMPLE: BusinessConfigDto = {
  businessId: 'goaccel-website',
  businessName: 'GoAccel',
  systemPrompt: 'You are the AI concierge for GoAccel...',
  primaryGoal: 'Book demos with home-services owners',
  personality: 'Friendly and knowledgeable',
  greetingMessage: 'Hi, welcome to GoAccel.',
  secondaryGreetingMessage: null,
  privacyStatement: null,
  themeColor: '#667eea',
  widgetPosition: 'center',
  websiteUrl: 'https://goaccel.ai/',
  contactEmail: 'info@goaccel.com',
  contactPhone: null,
  chatbotButtonText: null,
  businessLogo: null,
  voiceEnabled: false,
  defaultCountry: 'US',
  ctaTree: {},
  rules: [],
  profiles: {},
  flows: [],
  intents: [],
  timezone: 'America/New_York',
  handoff: { webhookSecretSet: false },
  experiments: [],
  tests: [],
  allowedOrigins: ['https://goaccel.ai'],
  settings: {},
  version: 3,
  createdAt: '2026-11-25T14:00:00.000Z',
  updatedAt: '2026-11-25T15:30:00.000Z',
};

export class BusinessConfigResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: BusinessConfigDto }) config: BusinessConfigDto;
}

export class BusinessListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({
    description: 'Businesses keyed by id',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/BusinessConfigDto' },
    example: { 'goaccel-website': BUSINESS_CONFIG_EXAMPLE },
  })
  businesses: Record<string, BusinessConfigDto>;
  @ApiProperty({ example: 2 }) total: number;
  @ApiPropertyOptional({
    type: String,
    example: 'goaccel-website',
    description: 'Pass as `cursor` for the next page',
    nullable: true,
  })
  nextCursor: string | null;
}

/** What the widget may read: display fields only, never the prompt, rules or settings. */
export class PublicBusinessConfigDto extends PickType(BusinessConfigDto, [
  'businessId',
  'businessName',
  'greetingMessage',
  'secondaryGreetingMessage',
  'privacyStatement',
  'themeColor',
  'widgetPosition',
  'websiteUrl',
  'contactEmail',
  'contactPhone',
  'chatbotButtonText',
  'businessLogo',
  'voiceEnabled',
  'ctaTree',
] as const) {
  @ApiProperty({
    description: 'The first CTA buttons to show: nodes of ctaTree ({id, label, action, children?, url?, message?})',
    type: Object,
    isArray: true,
    example: [{ id: 'sales_team', label: 'Sales Team', action: 'show_children' }],
  })
  entryCtas: unknown[];
}

export class PublicBusinessConfigResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: PublicBusinessConfigDto }) config: PublicBusinessConfigDto;
}

export class DeleteBusinessResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'goaccel-website' }) deleted: string;
}
