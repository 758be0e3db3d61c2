import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';

import { TENANT_KEY_ROLES, type TenantKeyRole } from 'src/common/auth/admin-principal';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTenantKeyDto {
  @ApiProperty({ example: 'CI deploy', description: 'What the key is for (1-100 characters)' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({
    enum: TENANT_KEY_ROLES,
    example: 'editor',
    description:
      'owner: everything on this business, keys and audit included; editor: reads and writes, not keys; viewer: reads only',
  })
  @IsIn(TENANT_KEY_ROLES)
  role: TenantKeyRole;
}

export class TenantKeyDto {
  @ApiProperty({
    example: '9b2f8e1c-4a3d-4f5e-8c7b-1d2e3f4a5b6c',
    description: 'Recorded in the audit log as the actor',
  })
  keyId: string;

  @ApiProperty({ example: 'CI deploy' })
  name: string;

  @ApiProperty({ enum: TENANT_KEY_ROLES, example: 'editor' })
  role: TenantKeyRole;

  @ApiProperty({
    example: 'cpk_3f9a0c1d2e4b5a69',
    description: 'The start of the key, to recognise it; not enough to use it',
  })
  prefix: string;

  @ApiProperty({ example: '2026-11-30T20:00:00.000Z' })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-30T21:15:00.000Z',
    description: 'Last use, to the minute',
  })
  lastUsedAt: string | null;

  @ApiProperty({ nullable: true, example: null })
  revokedAt: string | null;
}

export class CreatedTenantKeyDto extends TenantKeyDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({
    example: 'cpk_3f9a0c1d2e4b5a69_Qm9vZGxlcy1hcmUtbm90LWEta2V5LWp1c3QtYW4tZXhhbXA',
    description: 'The key itself. Shown only in this response: it is stored hashed and cannot be read again',
  })
  key: string;
}

export class TenantKeyListDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [TenantKeyDto] })
  keys: TenantKeyDto[];
}

export class RevokedTenantKeyDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: TenantKeyDto })
  key: TenantKeyDto;
}
