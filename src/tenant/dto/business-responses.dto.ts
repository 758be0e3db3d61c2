import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class BusinessConfigDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: 'GoAccel' }) businessName: string;
  @ApiPropertyOptional({ example: 'You are the AI concierge for GoAccel...', nullable: true }) systemPrompt: string | null;
  @ApiPropertyOptional({ nullable: true }) primaryGoal: string | null;
  @ApiPropertyOptional({ nullable: true }) personality: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Hi, welcome to GoAccel.' }) greetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true }) secondaryGreetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true }) privacyStatement: string | null;
  @ApiPropertyOptional({ nullable: true, example: '#667eea' }) themeColor: string | null;
  @ApiProperty({ example: 'center' }) widgetPosition: string;
  @ApiPropertyOptional({ nullable: true }) websiteUrl: string | null;
  @ApiPropertyOptional({ nullable: true }) contactEmail: string | null;
  @ApiPropertyOptional({ nullable: true }) contactPhone: string | null;
  @ApiPropertyOptional({ nullable: true }) chatbotButtonText: string | null;
  @ApiPropertyOptional({ nullable: true }) businessLogo: string | null;
  @ApiProperty() voiceEnabled: boolean;
  @ApiProperty({ example: 'US' }) defaultCountry: string;
  @ApiProperty({ example: {} }) ctaTree: Record<string, unknown>;
  @ApiProperty({ example: [] }) rules: unknown[];
  @ApiProperty({ example: {} }) experiments: Record<string, unknown>;
  @ApiProperty({ example: [] }) allowedOrigins: string[];
  @ApiProperty({ example: {} }) settings: Record<string, unknown>;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class BusinessConfigResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: BusinessConfigDto }) config: BusinessConfigDto;
}

export class BusinessListResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ description: 'Businesses keyed by id', type: 'object', additionalProperties: { $ref: '#/components/schemas/BusinessConfigDto' } })
  businesses: Record<string, BusinessConfigDto>;
  @ApiProperty({ example: 2 }) total: number;
  @ApiPropertyOptional({ example: 'goaccel-website', description: 'Pass as `cursor` for the next page', nullable: true })
  nextCursor: string | null;
}

export class PublicBusinessConfigDto {
  @ApiProperty({ example: 'goaccel-website' }) businessId: string;
  @ApiProperty({ example: 'GoAccel' }) businessName: string;
  @ApiPropertyOptional({ nullable: true }) greetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true }) secondaryGreetingMessage: string | null;
  @ApiPropertyOptional({ nullable: true }) privacyStatement: string | null;
  @ApiPropertyOptional({ nullable: true }) themeColor: string | null;
  @ApiProperty({ example: 'center' }) widgetPosition: string;
  @ApiPropertyOptional({ nullable: true }) websiteUrl: string | null;
  @ApiPropertyOptional({ nullable: true }) contactEmail: string | null;
  @ApiPropertyOptional({ nullable: true }) contactPhone: string | null;
  @ApiPropertyOptional({ nullable: true }) chatbotButtonText: string | null;
  @ApiPropertyOptional({ nullable: true }) businessLogo: string | null;
  @ApiProperty() voiceEnabled: boolean;
  @ApiProperty({ example: {} }) ctaTree: Record<string, unknown>;
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
