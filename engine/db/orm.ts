import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { allEntities } from './entities.js';
import { reclaimDeadConnections } from './pool-guard.js';
import { Migration0001Initial } from './migrations/0001-initial.js';
import { Migration0002Records } from './migrations/0002-records.js';
import { Migration0003Notifications } from './migrations/0003-notifications.js';
import { Migration0004Approvals } from './migrations/0004-approvals.js';
import { Migration0005PendingApprovals } from './migrations/0005-pending-approvals.js';
import { Migration0006ProcessInterpreter } from './migrations/0006-process-interpreter.js';
import { Migration0020AuditChain } from './migrations/0020-audit-chain.js';
import { Migration0030StageStays } from './migrations/0030-stage-stays.js';
import { Migration0040UserUnits } from './migrations/0040-user-units.js';
import { Migration0041AuditBatchSeal } from './migrations/0041-audit-batch-seal.js';
import { Migration0042WebhookAsRole } from './migrations/0042-webhook-as-role.js';
import { Migration0043Sessions } from './migrations/0043-sessions.js';
import { Migration0044StageTotals } from './migrations/0044-stage-totals.js';
import { Migration0045IdempotencyKeys } from './migrations/0045-idempotency-keys.js';
import { Migration0046ImportJobs } from './migrations/0046-import-jobs.js';
import { Migration0047ApiTokens } from './migrations/0047-api-tokens.js';

export type Orm = MikroORM;

export interface OrmOptions {
  databaseUrl: string;
  poolSize?: number;
  debug?: boolean;
}

export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    clientUrl: options.databaseUrl,
    entities: allEntities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolSize ?? 10 },
    driverOptions: { onPoolCreated: reclaimDeadConnections },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    migrations: {
      tableName: 'flowcrm_migrations',
      migrationsList: [
        { name: '0001-initial', class: Migration0001Initial },
        { name: '0002-records', class: Migration0002Records },
        { name: '0003-notifications', class: Migration0003Notifications },
        { name: '0004-approvals', class: Migration0004Approvals },
        { name: '0005-pending-approvals', class: Migration0005PendingApprovals },
        { name: '0006-process-interpreter', class: Migration0006ProcessInterpreter },
        { name: '0020-audit-chain', class: Migration0020AuditChain },
        { name: '0030-stage-stays', class: Migration0030StageStays },
        { name: '0040-user-units', class: Migration0040UserUnits },
        { name: '0043-sessions', class: Migration0043Sessions },
        { name: '0044-stage-totals', class: Migration0044StageTotals },
        { name: '0045-idempotency-keys', class: Migration0045IdempotencyKeys },
        { name: '0046-import-jobs', class: Migration0046ImportJobs },
        { name: '0047-api-tokens', class: Migration0047ApiTokens },
        // after 0047 in the list: databases that already ran 0043-0047 apply it last, new ones too (no dependency)
        { name: '0041-audit-batch-seal', class: Migration0041AuditBatchSeal },
        { name: '0042-webhook-as-role', class: Migration0042WebhookAsRole },
      ],
      transactional: true,
      allOrNothing: true,
      silent: true,
      snapshot: false,
    },
  });
}

export async function migrate(orm: Orm): Promise<void> {
  await orm.migrator.up();
}
