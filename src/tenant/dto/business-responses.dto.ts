import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';

export class BusinessConfigDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: 'GoAccel' }) businessName: string;
  @ApiPropertyOptional({ example: 'You are the AI concierge for GoAccel...', nullable: true }) systemPrompt: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Book demos with home-services owners' }) primaryGoal: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Friendly and knowledgeable' }) personality: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Hi, welcome to GoAccel.' }) greetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Ask me anything or select an option below.' }) secondaryGreetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'We only use your details to contact you.' }) privacyStatement: string | null;
  @ApiPropertyOptional({ nullable: true, example: '#667eea' }) themeColor: string | null;
  @ApiProperty({ example: 'center' }) widgetPosition: string;
  @ApiPropertyOptional({ nullable: true, example: 'https://goaccel.ai/' }) websiteUrl: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'info@goaccel.com' }) contactEmail: string | null;
  @ApiPropertyOptional({ nullable: true, example: '855.915.0747' }) contactPhone: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Send' }) chatbotButtonText: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'https://goaccel.ai/logo.png' }) businessLogo: string | null;
  @ApiProperty({ example: false }) voiceEnabled: boolean;
  @ApiProperty({ example: 'US' }) defaultCountry: string;
  @ApiProperty({ example: {} }) ctaTree: Record<string, unknown>;
  @ApiProperty({ example: [] }) rules: unknown[];
  @ApiProperty({ example: {} }) experiments: Record<string, unknown>;
  @ApiProperty({ example: [] }) allowedOrigins: string[];
  @ApiProperty({ example: {} }) settings: Record<string, unknown>;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-11-25T14:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T15:30:00.000Z' }) updatedAt: string;
}

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
    example: { 'goaccel-website': { businessId: 'goaccel-website', businessName: 'GoAccel', version: 3 } },
  })
  businesses: Record<string, BusinessConfigDto>;
  @ApiProperty({ example: 2 }) total: number;
  @ApiPropertyOptional({ example: 'goaccel-website', description: 'Pass as `cursor` for the next page', nullable: true })
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
  @ApiProperty({ example: [{ id: 'sales_team', label: 'Sales Team', action: 'show_children' }] }) entryCtas: unknown[];
}

export class PublicBusinessConfigResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: PublicBusinessConfigDto }) config: PublicBusinessConfigDto;
}

export class DeleteBusinessResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'goaccel-website' }) deleted: string;
}
