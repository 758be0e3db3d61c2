import { Injectable } from '@nestjs/common';

import { BUILTIN_STAGES, BuiltinCrmAdapter } from 'src/crm/adapters/builtin.crm-adapter';
import { CrmErrors } from 'src/crm/crm.errors';
import { asObject, CrmAdapterFactory, onlyKeys, str, ValidatedConnection } from 'src/crm/crm-adapter.factory';
import { CrmAdapter } from 'src/crm/crm-adapter.port';
import type { ResolvedCrmConfig } from 'src/crm/crm-config.types';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import { FieldMapper } from 'src/crm/field-mapper';

@Injectable()
export class BuiltinCrmAdapterFactory extends CrmAdapterFactory {
  readonly type = 'builtin' as const;

  constructor(private readonly records: CrmRecordsRepository) {
    super();
  }

  validate(credentials: unknown, options: unknown): ValidatedConnection {
    onlyKeys(asObject(credentials, 'credentials'), 'credentials', []);
    const opts = asObject(options, 'options');
    onlyKeys(opts, 'options', ['defaultStage']);
    const defaultStage = str(opts, 'options', 'defaultStage');
    if (defaultStage && !(BUILTIN_STAGES as readonly string[]).includes(defaultStage)) {
      throw CrmErrors.invalidConfig('options.defaultStage', `must be one of ${BUILTIN_STAGES.join(', ')}`);
    }
    return { credentials: {}, options: defaultStage ? { defaultStage } : {} };
  }

  create(config: ResolvedCrmConfig): CrmAdapter {
    const mapper = new FieldMapper(
      { message: 'message', source: 'source', sessionId: 'sessionId' },
      config.fieldMapping,
    );
    const stage = typeof config.options.defaultStage === 'string' ? config.options.defaultStage : 'new';
    return new BuiltinCrmAdapter(config.businessId, this.records, mapper, stage);
  }
}
