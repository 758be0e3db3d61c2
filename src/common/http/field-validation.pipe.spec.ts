import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';

import { FieldValidationPipe } from 'src/common/http/field-validation.pipe';

class Settings {
  @IsOptional()
  @IsInt()
  @Min(0)
  limit?: number;
}

class Body {
  @IsString()
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Settings)
  settings?: Settings;
}

describe(FieldValidationPipe.name, () => {
  const sut = new FieldValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  const rejection = async (value: unknown): Promise<Record<string, unknown>> => {
    try {
      await sut.transform(value, { type: 'body', metatype: Body });
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequestException);
      return (e as BadRequestException).getResponse() as Record<string, unknown>;
    }
    throw new Error('the body was accepted');
  };

  it('keeps ValidationPipe messages and names each field by its dotted path', async () => {
    const response = await rejection({ name: 3, settings: { limit: -1 }, extra: true });
    expect(response.message).toEqual([
      'property extra should not exist',
      'name must be a string',
      'settings.limit must not be less than 0',
    ]);
    expect(response.fields).toEqual([
      { path: 'extra', message: 'property extra should not exist' },
      { path: 'name', message: 'name must be a string' },
      { path: 'settings.limit', message: 'settings.limit must not be less than 0' },
    ]);
  });

  it('names at most 50 fields however many the payload gets wrong', async () => {
    const junk = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    const response = await rejection({ name: 'ok', ...junk });
    expect(response.fields).toHaveLength(50);
  });

  it('accepts a valid body', async () => {
    await expect(sut.transform({ name: 'ok' }, { type: 'body', metatype: Body })).resolves.toEqual({ name: 'ok' });
  });
});
