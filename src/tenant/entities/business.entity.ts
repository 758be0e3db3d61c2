import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

import type { CtaTree } from 'src/tenant/cta-tree';
import type { HandoffConfig } from 'src/tenant/handoff-config';
import type { TenantIntent } from 'src/tenant/intents';

export type WidgetPosition = 'center' | 'bottom-right' | 'bottom-left';

/** Per-tenant overrides of platform defaults; absent keys fall back to the environment. */
export interface BusinessSettings {
  chatRateLimitPerMinute?: number;
  ipRateLimitPerMinute?: number;
  ragMinConfidence?: number;
  /** Absent means on; "off" lets anyone holding a session id continue that chat session (unsafe, opt-in). */
  sessionTokens?: 'on' | 'off';
}

@Entity({ name: 'businesses' })
export class BusinessEntity {
  @PrimaryColumn({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'business_name', type: 'varchar', length: 200 })
  businessName: string;

  @Column({ name: 'system_prompt', type: 'text', nullable: true })
  systemPrompt: string | null;

  @Column({ name: 'primary_goal', type: 'text', nullable: true })
  primaryGoal: string | null;

  @Column({ type: 'text', nullable: true })
  personality: string | null;

  @Column({ name: 'greeting_message', type: 'text', nullable: true })
  greetingMessage: string | null;

  @Column({ name: 'secondary_greeting_message', type: 'text', nullable: true })
  secondaryGreetingMessage: string | null;

  @Column({ name: 'privacy_statement', type: 'text', nullable: true })
  privacyStatement: string | null;

  @Column({ name: 'theme_color', type: 'varchar', length: 32, nullable: true })
  themeColor: string | null;

  @Column({ name: 'widget_position', type: 'varchar', length: 16, default: 'bottom-right' })
  widgetPosition: WidgetPosition;

  @Column({ name: 'website_url', type: 'text', nullable: true })
  websiteUrl: string | null;

  @Column({ name: 'contact_email', type: 'varchar', length: 320, nullable: true })
  contactEmail: string | null;

  @Column({ name: 'contact_phone', type: 'varchar', length: 64, nullable: true })
  contactPhone: string | null;

  @Column({ name: 'chatbot_button_text', type: 'varchar', length: 64, nullable: true })
  chatbotButtonText: string | null;

  @Column({ name: 'business_logo', type: 'text', nullable: true })
  businessLogo: string | null;

  @Column({ name: 'voice_enabled', type: 'boolean', default: false })
  voiceEnabled: boolean;

  @Column({ name: 'default_country', type: 'char', length: 2, default: 'US' })
  defaultCountry: string;

  @Column({ name: 'cta_tree', type: 'jsonb', default: () => "'{}'::jsonb" })
  ctaTree: CtaTree;

  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  rules: unknown[];

  /** Prompt profiles a rule's `profile` action switches to: name → {systemPrompt?, personality?, primaryGoal?}. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  profiles: Record<string, { systemPrompt?: string; personality?: string; primaryGoal?: string }>;

  /** Conversation flows (state machines): [{id, start, states}]; interpreted and validated by the rules module. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  flows: unknown[];

  /** The business's own intents, on top of the built-ins (see src/tenant/intents.ts). */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  intents: TenantIntent[];

  /** IANA zone of the business: the turn context's local time (`time.*`). */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  /** When and how a conversation goes to a person (see src/tenant/handoff-config.ts). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  handoff: HandoffConfig;

  /** A/B experiments ([{id, status, variants, goal, startedAt?}]), interpreted and validated by the experiments module. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  experiments: unknown[];

  /** Conversation tests [{name, turns: [{message | cta_id, expect}]}]: validated and run by the simulation module. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  tests: unknown[];

  @Column({ name: 'allowed_origins', type: 'jsonb', default: () => "'[]'::jsonb" })
  allowedOrigins: string[];

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  settings: BusinessSettings;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
