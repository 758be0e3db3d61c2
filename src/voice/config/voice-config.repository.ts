import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';

import { VoiceConfigEntity } from 'src/voice/entities/voice-config.entity';
import { VoiceNumberEntity } from 'src/voice/entities/voice-number.entity';

export type VoiceConfigFields = Omit<VoiceConfigEntity, 'businessId' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class VoiceConfigRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private configs(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(VoiceConfigEntity);
  }

  private numbers(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(VoiceNumberEntity);
  }

  findConfig(businessId: string, em?: EntityManager): Promise<VoiceConfigEntity | null> {
    return this.configs(em).findOne({ where: { businessId } });
  }

  async listNumbers(businessId: string, em?: EntityManager): Promise<string[]> {
    const rows = await this.numbers(em).find({ where: { businessId }, order: { phoneNumber: 'ASC' } });
    return rows.map((r) => r.phoneNumber);
  }

  async saveConfig(businessId: string, fields: VoiceConfigFields, em?: EntityManager): Promise<VoiceConfigEntity> {
    await this.configs(em).upsert({ businessId, ...fields, updatedAt: new Date() }, ['businessId']);
    return (await this.findConfig(businessId, em))!;
  }

  /** Which of `phoneNumbers` another tenant already holds (the conflict check before a write). */
  async numbersHeldByOthers(businessId: string, phoneNumbers: string[], em?: EntityManager): Promise<string[]> {
    if (!phoneNumbers.length) return [];
    const rows = await this.numbers(em).find({ where: { phoneNumber: In(phoneNumbers), businessId: Not(businessId) } });
    return rows.map((r) => r.phoneNumber);
  }

  async replaceNumbers(businessId: string, phoneNumbers: string[], em?: EntityManager): Promise<void> {
    await this.numbers(em).delete({ businessId });
    if (phoneNumbers.length)
      await this.numbers(em).insert(phoneNumbers.map((phoneNumber) => ({ businessId, phoneNumber })));
  }

  /** Crosses tenants by design: a call arrives for a number, and the number names its tenant. */
  async findTenantByNumber(phoneNumber: string): Promise<string | null> {
    const row = await this.numbers().findOne({ where: { phoneNumber } });
    return row?.businessId ?? null;
  }
}
