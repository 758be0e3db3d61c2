import { ApiProperty } from '@nestjs/swagger';

export class ClusterQuestionDto {
  @ApiProperty({ example: 'Do you work on weekends?' }) text: string;
  @ApiProperty({ example: 4 }) count: number;
}

export class UnansweredClusterDto {
  @ApiProperty({
    example: '9b2f4c1d7e0a3b5c6d8e9f0a1b2c3d4e',
    description: 'Stable while the example stays the most asked question: a hash of its normalized text',
  })
  key: string;
  @ApiProperty({ example: 'Do you work on weekends?', description: 'The most asked question of the cluster' })
  example: string;
  @ApiProperty({ example: 7, description: 'Unanswered replies to the questions of this cluster' }) count: number;
  @ApiProperty({ type: [ClusterQuestionDto], description: 'Distinct questions, most asked first (at most 10)' })
  questions: ClusterQuestionDto[];
  @ApiProperty({ example: 6, description: 'Distinct sessions that asked' }) sessionCount: number;
  @ApiProperty({
    example: ['3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10'],
    description: 'The most recent sessions (at most 10); each has a transcript at `sessions/{sessionId}/transcript`',
  })
  sessionIds: string[];
  @ApiProperty({ example: '2026-11-02T09:14:00.000Z' }) firstSeen: string;
  @ApiProperty({ example: '2026-11-25T16:40:00.000Z' }) lastSeen: string;
  @ApiProperty({
    example: false,
    description: 'A recheck found it answered by the knowledge base, and it has not gone unanswered since',
  })
  resolved: boolean;
  @ApiProperty({ nullable: true, type: String, example: null }) resolvedAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Id of the knowledge-base version that answered it',
  })
  resolvedKbVersion: string | null;
}

export class UnansweredReportDto {
  @ApiProperty({ example: '2026-10-27T00:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-26T00:00:00.000Z' }) to: string;
  @ApiProperty({ enum: ['open', 'resolved', 'all'], example: 'all' }) status: string;
  @ApiProperty({ example: 0.4, description: 'Cosine similarity at which a question joins a cluster' })
  similarityThreshold: number;
  @ApiProperty({ example: 312, description: 'Unanswered questions read (the latest of the range)' })
  questionsConsidered: number;
  @ApiProperty({ example: 5000, description: 'At most this many questions, the latest, are clustered' })
  questionLimit: number;
  @ApiProperty({ example: false, description: 'The range held more questions than questionLimit' })
  truncated: boolean;
  @ApiProperty({ example: 41, description: 'Clusters with this status (before `limit`)' }) totalClusters: number;
  @ApiProperty({ type: [UnansweredClusterDto], description: 'Largest first' }) clusters: UnansweredClusterDto[];
}

export class UnansweredRecheckDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: '5a0b9d7e-2c1f-4f3a-9e8d-7c6b5a4f3e2d',
    description: 'Id of the active knowledge-base version the questions were searched in',
  })
  kbVersion: string | null;
  @ApiProperty({ example: 12, description: 'Open clusters whose questions were searched again' }) checked: number;
  @ApiProperty({ example: 3, description: 'Of those, now answered and marked resolved' }) resolved: number;
  @ApiProperty({ example: 9 }) stillOpen: number;
  @ApiProperty({
    example: 2,
    description: 'Open clusters not searched: asked (and unanswered) since the active version went live',
  })
  askedSinceKbChange: number;
  @ApiProperty({ example: 0, description: 'Open clusters beyond the per-recheck cap (the largest are checked)' })
  skipped: number;
}
