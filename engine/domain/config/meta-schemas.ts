import type { ValidateFunction } from 'ajv/dist/2020.js';
import accessSchema from '../../../schemas/meta/access.schema.json' with { type: 'json' };
import approvalChainSchema from '../../../schemas/meta/approval-chain.schema.json' with { type: 'json' };
import bundleSchema from '../../../schemas/meta/bundle.schema.json' with { type: 'json' };
import calendarSchema from '../../../schemas/meta/calendar.schema.json' with { type: 'json' };
import commonSchema from '../../../schemas/meta/common.schema.json' with { type: 'json' };
import entitySchema from '../../../schemas/meta/entity.schema.json' with { type: 'json' };
import picklistSchema from '../../../schemas/meta/picklist.schema.json' with { type: 'json' };
import processSchema from '../../../schemas/meta/process.schema.json' with { type: 'json' };
import scorecardSchema from '../../../schemas/meta/scorecard.schema.json' with { type: 'json' };
import { createAjv } from './ajv-support.js';

/** The meta-schemas, by file name; schemas/generated is generated from the same files. */
export const metaSchemas = {
  'common.schema.json': commonSchema,
  'entity.schema.json': entitySchema,
  'picklist.schema.json': picklistSchema,
  'calendar.schema.json': calendarSchema,
  'access.schema.json': accessSchema,
  'approval-chain.schema.json': approvalChainSchema,
  'scorecard.schema.json': scorecardSchema,
  'process.schema.json': processSchema,
  'bundle.schema.json': bundleSchema,
} as const;

let bundleValidator: ValidateFunction | undefined;

/**
 * Compiled on first use, then shared. `verbose` keeps each error's parentSchema for friendlier messages;
 * strictRequired is off because it does not see properties declared outside an if/then branch.
 */
export function validateAgainstMetaSchema(bundle: unknown): ValidateFunction {
  if (!bundleValidator) {
    const ajv = createAjv({ strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true, verbose: true });
    for (const schema of Object.values(metaSchemas)) ajv.addSchema(schema);
    bundleValidator = ajv.getSchema(bundleSchema.$id) as ValidateFunction;
  }
  bundleValidator(bundle);
  return bundleValidator;
}
