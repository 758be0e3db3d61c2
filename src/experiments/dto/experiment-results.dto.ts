import { ApiProperty } from '@nestjs/swagger';

export class RateIntervalDto {
  @ApiProperty({ example: 0.3561 }) low: number;
  @ApiProperty({ example: 0.5475 }) high: number;
}

export class DifferenceToControlDto {
  @ApiProperty({ example: 0.05, description: 'rate − control rate' }) difference: number;
  @ApiProperty({ example: -0.087, description: 'Newcombe hybrid score interval, 95 %' }) low: number;
  @ApiProperty({ example: 0.183 }) high: number;
}

export class VariantResultDto {
  @ApiProperty({ example: 'short' }) variantId: string;
  @ApiProperty({ example: 1 }) weight: number;
  @ApiProperty({ example: 100, description: 'Sessions exposed (each counted once, in its first variant)' })
  exposed: number;
  @ApiProperty({ example: 45, description: 'Exposed sessions that reached the goal after the exposure' })
  conversions: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.45 }) rate: number | null;
  @ApiProperty({ type: RateIntervalDto, nullable: true, description: 'Wilson score interval, 95 %' })
  rateInterval: RateIntervalDto | null;
  @ApiProperty({ type: DifferenceToControlDto, nullable: true, description: 'null for the control' })
  differenceToControl: DifferenceToControlDto | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.77,
    description:
      'Posterior probability (Beta(1,1) prior) that this variant is better than the control; "better" is lower when lowerIsBetter',
  })
  probabilityToBeatControl: number | null;
}

export class SampleRatioMismatchDto {
  @ApiProperty({ example: 1.6 }) chiSquare: number;
  @ApiProperty({ example: 1 }) degreesOfFreedom: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.2059 }) pValue: number | null;
  @ApiProperty({ example: false, description: 'true when p < threshold: assignment or logging is broken' })
  mismatch: boolean;
  @ApiProperty({ example: 0.001 }) threshold: number;
}

export class ResultMethodsDto {
  @ApiProperty({ example: 'Wilson score, 95 %' }) rateInterval: string;
  @ApiProperty({ example: 'Newcombe hybrid score (method 10), 95 %' }) differenceInterval: string;
  @ApiProperty({ example: 'Beta-Binomial posterior with a Beta(1,1) prior, by numeric integration' })
  probabilityToBeatControl: string;
  @ApiProperty({ example: 'Pearson chi-square against the configured weights; mismatch when p < 0.001' })
  sampleRatioMismatch: string;
}

export class ExperimentResultsDto {
  @ApiProperty({ example: 'greeting_test' }) experimentId: string;
  @ApiProperty({ enum: ['draft', 'running', 'paused', 'stopped'], example: 'running' }) status: string;
  @ApiProperty({ example: 'lead_captured' }) goal: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T14:00:00.000Z' }) startedAt: string | null;
  @ApiProperty({ example: false, description: 'true for the handoff goal: fewer conversions is better' })
  lowerIsBetter: boolean;
  @ApiProperty({ example: 'control', description: 'The variant with id "control", else the first variant' })
  control: string;
  @ApiProperty({ type: [VariantResultDto] }) variants: VariantResultDto[];
  @ApiProperty({ type: SampleRatioMismatchDto }) sampleRatioMismatch: SampleRatioMismatchDto;
  @ApiProperty({ type: ResultMethodsDto }) methods: ResultMethodsDto;
}
