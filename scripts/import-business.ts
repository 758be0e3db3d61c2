import 'reflect-metadata';

import { readFileSync } from 'node:fs';

import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { AppModule } from 'src/app.module';
import { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';
import { camelizeTopLevelKeys } from 'src/tenant/legacy-business';
import { TenantService } from 'src/tenant/tenant.service';

import { CLI_APP_OPTIONS, runCli } from './support/cli';

/**
 * `npm run business:import -- <file.json>`: creates or updates a tenant from the legacy JSON format, through the
 * same validation and service as POST /admin/business, against the configured (or embedded) database.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run business:import -- <file.json>');
    process.exit(2);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`Cannot read ${file}: ${(err as Error).message}`);
    process.exit(2);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    console.error(`${file} must hold one JSON object`);
    process.exit(2);
  }
  const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  let dto: UpsertBusinessDto;
  try {
    dto = (await pipe.transform(camelizeTopLevelKeys(raw as Record<string, unknown>), {
      type: 'body',
      metatype: UpsertBusinessDto,
    })) as UpsertBusinessDto;
  } catch (err) {
    const response = (err as { getResponse?: () => { message?: unknown } }).getResponse?.();
    console.error(`Invalid business file: ${JSON.stringify(response?.message ?? (err as Error).message)}`);
    process.exit(2);
  }
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ embeddedPostgres: 'attach' }),
    CLI_APP_OPTIONS,
  );
  try {
    const { business, created } = await app.get(TenantService).upsert(dto);
    console.log(`${created ? 'Created' : 'Updated'} business "${business.businessId}" (version ${business.version}).`);
  } finally {
    await app.close();
  }
}

runCli('Import', main);
