import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import type { CtaTree } from 'src/tenant/cta-tree';

/** `null` and `""` mean "clear this field", so they skip validation; `undefined` means "leave as is". */
const Clearable = () => ValidateIf((_o, v) => v !== undefined && v !== null && v !== '');

export const BUSINESS_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_LOGO_CHARS = 300_000;

export class BusinessSettingsDto {
  @ApiPropertyOptional({ example: 10, description: 'Messages per minute per session; 0 disables the limit' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  chatRateLimitPerMinute?: number;

  @ApiPropertyOptional({ example: 60, description: 'Messages per minute per client IP; 0 disables the limit' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  ipRateLimitPerMinute?: number;

  @ApiPropertyOptional({
    example: 0.2,
    description: 'Below this retrieval confidence the knowledge base is treated as having no answer',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  ragMinConfidence?: number;

  @ApiPropertyOptional({
    enum: ['on', 'off'],
    example: 'on',
    description:
      'Default "on": continuing a chat session needs the session_token issued with it. "off" is unsafe: anyone who knows or guesses a session_id can continue that conversation and read what the visitor told it',
  })
  @IsOptional()
  @IsIn(['on', 'off'])
  sessionTokens?: 'on' | 'off';
}

/** Create-or-update body. Legacy snake_case keys are converted to camelCase before validation. */
export class UpsertBusinessDto {
  @ApiProperty({ example: 'goaccel-website', pattern: BUSINESS_ID_PATTERN.source })
  @IsString()
  @Matches(BUSINESS_ID_PATTERN, { message: 'businessId must match ^[a-z0-9][a-z0-9_-]{0,63}$' })
  businessId: string;

  @ApiPropertyOptional({ example: 'GoAccel', description: 'Required when creating' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  businessName?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'You are the AI concierge for GoAccel...' })
  @Clearable()
  @IsString()
  @MaxLength(20000)
  systemPrompt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Book demos with home-services owners' })
  @Clearable()
  @IsString()
  @MaxLength(2000)
  primaryGoal?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Friendly, knowledgeable, and growth-focused' })
  @Clearable()
  @IsString()
  @MaxLength(2000)
  personality?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Hi, welcome to GoAccel.' })
  @Clearable()
  @IsString()
  @MaxLength(2000)
  greetingMessage?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Ask me anything or select an option below.' })
  @Clearable()
  @IsString()
  @MaxLength(2000)
  secondaryGreetingMessage?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'We only use your details to contact you about your request.',
  })
  @Clearable()
  @IsString()
  @MaxLength(5000)
  privacyStatement?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '#667eea' })
  @Clearable()
  @Matches(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, {
    message: 'themeColor must be a hex colour like #667eea',
  })
  themeColor?: string | null;

  @ApiPropertyOptional({ enum: ['center', 'bottom-right', 'bottom-left'], example: 'bottom-right' })
  @Clearable()
  @IsIn(['center', 'bottom-right', 'bottom-left'])
  widgetPosition?: 'center' | 'bottom-right' | 'bottom-left' | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://goaccel.ai/' })
  @Clearable()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'websiteUrl must be an http(s) URL' },
  )
  websiteUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'info@goaccel.com' })
  @Clearable()
  @IsEmail({}, { message: 'contactEmail must be an email address' })
  contactEmail?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '855.915.0747' })
  @Clearable()
  @IsString()
  @MaxLength(64)
  contactPhone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Send' })
  @Clearable()
  @IsString()
  @MaxLength(64)
  chatbotButtonText?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://goaccel.ai/logo.png',
    description: `http(s) URL or data:image URI, at most ${MAX_LOGO_CHARS} characters`,
  })
  @Clearable()
  @IsString()
  @MaxLength(MAX_LOGO_CHARS, { message: `businessLogo must be at most ${MAX_LOGO_CHARS} characters` })
  @Matches(/^(https?:\/\/\S+|data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+)$/, {
    message: 'businessLogo must be an http(s) URL or a base64 data:image URI',
  })
  businessLogo?: string | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  voiceEnabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'US',
    description: 'ISO country used for phone numbers given without a country code',
  })
  @Clearable()
  @Matches(/^[A-Z]{2}$/, { message: 'defaultCountry must be an ISO 3166-1 alpha-2 code like US' })
  defaultCountry?: string | null;

  @ApiPropertyOptional({
    description: 'Flat map id → {id, label, action: show_children|send|link|redirect, children?, url?, message?}',
    example: {
      main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['book'] },
      book: { id: 'book', label: 'Book an Appointment', action: 'link', url: 'https://calendly.com/acme' },
    },
  })
  @Clearable()
  @IsObject()
  ctaTree?: CtaTree | null;

  @ApiPropertyOptional({
    description:
      'Conversation rules, in order: {id, description?, when: JsonLogic over the turn context, then: [action…], channels?: ["chat"|"voice"], stop?}. Actions: reply, instruction, showCtas, hideCtas, setMetadata, tag, handoff {reason}, collect [fields], profile. A plain string is guidance pasted into the prompt, as before. Refused (400, TENANT.INVALID_CONFIG with `fields`) on unknown variables, operators, actions, CTA ids or profiles.',
    type: 'array',
    items: {},
    nullable: true,
    example: [
      'Never quote prices; offer a call instead.',
      {
        id: 'pricing_second_turn',
        when: { and: [{ '==': [{ var: 'intent.name' }, 'pricing'] }, { '>=': [{ var: 'turn' }, 2] }] },
        then: [{ showCtas: ['book'] }, { instruction: 'Offer a call to discuss pricing.' }],
      },
    ],
  })
  @Clearable()
  @IsArray()
  rules?: unknown[] | null;

  @ApiPropertyOptional({
    description:
      'Prompt profiles a rule\'s {"profile": name} action switches to (remembered for the session until another profile action): name (^[a-z][a-z0-9_]{0,39}$) → {systemPrompt?, personality?, primaryGoal?}, each replacing the business\'s own field.',
    type: 'object',
    nullable: true,
    additionalProperties: {
      type: 'object',
      properties: {
        systemPrompt: { type: 'string' },
        personality: { type: 'string' },
        primaryGoal: { type: 'string' },
      },
    },
    example: { sales: { primaryGoal: 'Book a discovery call', personality: 'Confident and brief' } },
  })
  @Clearable()
  @IsObject()
  profiles?: Record<string, { systemPrompt?: string; personality?: string; primaryGoal?: string }> | null;

  @ApiPropertyOptional({
    description:
      'Conversation flows: [{id, start, states: {name: {say?, instruction?, ctas?: [ids], collect?: [fields], on?: [{when: JsonLogic, to: state}], end?}}}]. Started by a rule\'s {"startFlow": id}; a state\'s transitions are read on the next visitor message.',
    type: 'array',
    items: { type: 'object' },
    nullable: true,
    example: [
      {
        id: 'qualify',
        start: 'ask_size',
        states: {
          ask_size: {
            say: 'How many people are on your team?',
            on: [{ when: { '!=': [{ var: 'message' }, ''] }, to: 'offer' }],
          },
          offer: { instruction: 'Recommend a plan for that team size.', ctas: ['book'], end: true },
        },
      },
    ],
  })
  @Clearable()
  @IsArray()
  flows?: unknown[] | null;

  @ApiPropertyOptional({
    description:
      'Intents of this business on top of the built-ins (greeting, thanks, goodbye, human_handoff, appointment, pricing, complaint, smalltalk, other). Names match ^[a-z][a-z0-9_]{0,39}$, unique, 1–200 examples each; a built-in name adds examples to that built-in, and "other" takes none.',
    type: 'array',
    nullable: true,
    items: {
      type: 'object',
      required: ['name', 'examples'],
      properties: {
        name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
        description: { type: 'string' },
        examples: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 200 },
      },
    },
    example: [{ name: 'industries', examples: ['Do you work with plumbers?', 'Is this for HVAC companies?'] }],
  })
  @Clearable()
  @IsArray()
  intents?: unknown[] | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'America/New_York',
    description: 'IANA time zone of the business (default UTC): the local time rules and flows see',
  })
  @Clearable()
  @IsString()
  @MaxLength(64)
  timezone?: string | null;

  @ApiPropertyOptional({
    description:
      'Hand-off to a person. The human_handoff intent always hands off; afterNegativeTurns (1–20) also after that many negative messages in a row. message is what the visitor is told; webhookUrl (public http(s)) receives the summary and captured fields signed with webhookSecret (16–200 chars, required with the URL, never returned).',
    type: 'object',
    nullable: true,
    properties: {
      afterNegativeTurns: { type: 'integer', minimum: 1, maximum: 20 },
      message: { type: 'string', maxLength: 500 },
      webhookUrl: { type: 'string', format: 'uri' },
      webhookSecret: { type: 'string', minLength: 16, maxLength: 200, writeOnly: true },
    },
    example: {
      afterNegativeTurns: 2,
      webhookUrl: 'https://hooks.example.com/handoff',
      webhookSecret: 'change-me-0123456789',
    },
  })
  @Clearable()
  @IsObject()
  handoff?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    description:
      'A/B experiments: [{id, status: draft|running|paused|stopped, variants: [{id, weight > 0, overrides?}] (2–10), goal, startedAt?}]. overrides may replace greetingMessage, systemPrompt, personality, primaryGoal, ctaTree, rules, flows, or name a prompt profile (profile); they are checked like the business\'s own fields. The control is the variant with id "control", else the first. goal: lead_captured | crm_contact_created | appointment_clicked | cta_clicked:<cta id> | handoff | engaged. startedAt is set by the server when the experiment first runs. A running or paused experiment keeps its variants and goal (409 EXPERIMENTS.LOCKED): stop it and start a new one.',
    type: 'array',
    items: { type: 'object' },
    nullable: true,
    example: [
      {
        id: 'greeting_test',
        status: 'running',
        goal: 'lead_captured',
        variants: [
          { id: 'control', weight: 1, overrides: {} },
          { id: 'short', weight: 1, overrides: { greetingMessage: 'Hi! What can I fix for you today?' } },
        ],
      },
    ],
  })
  @Clearable()
  @IsArray()
  experiments?: unknown[] | null;

  @ApiPropertyOptional({
    description:
      'Conversation tests (regression tests of the conversation design, like Rasa test stories), run by POST /admin/business/{id}/tests/run: [{name, turns: [{message | cta_id, metadata?, expect?: {intent?, rulesFired?, state?, ctas?, replyContains?, handoff?}}]}]. Names unique, ^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$; at most 50 tests of 1–30 turns. Refused (400, TENANT.INVALID_CONFIG with `fields`) on unknown intents, rule ids, flow states or CTA ids.',
    type: 'array',
    items: { type: 'object' },
    nullable: true,
    example: [
      {
        name: 'pricing goes to the qualification flow',
        turns: [
          { message: 'How much does GoAccel cost?', expect: { intent: 'pricing', rulesFired: ['pricing_qualify'] } },
          { message: 'We have 12 technicians', expect: { state: 'ask_email' } },
        ],
      },
    ],
  })
  @Clearable()
  @IsArray()
  tests?: unknown[] | null;

  @ApiPropertyOptional({ type: [String], nullable: true, example: ['https://goaccel.ai'] })
  @Clearable()
  @IsArray()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { each: true, message: 'allowedOrigins must be http(s) origins' },
  )
  allowedOrigins?: string[] | null;

  @ApiPropertyOptional({ type: BusinessSettingsDto })
  @Clearable()
  @ValidateNested()
  @Type(() => BusinessSettingsDto)
  settings?: BusinessSettingsDto | null;
}
