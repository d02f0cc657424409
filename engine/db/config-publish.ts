import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigStore, type PublishedConfig } from './config-store.js';
import { ensureIndexes, type EnsureIndexesResult } from './record-indexes.js';
import { checkCompatibility, type CompatibilityReport } from './config-compatibility.js';
import { applyBackfill, checkBackfill, type BackfillCounts } from './config-backfill.js';
import { validateBundle } from '../domain/config/validate-bundle.js';
import { bundlePointerOf } from '../domain/config/compatibility.js';
import { DomainError } from '../domain/errors.js';

type Json = Record<string, unknown>;

export interface PublishRequest {
  bundle: Json;
  author: string;
  /** Publish even when records would break. */
  force?: boolean;
  /** `{entity: {field: value}}`, applied before the compatibility check, in the same transaction. */
  backfill?: unknown;
}

export interface PublishOutcome {
  published: PublishedConfig;
  backfilled: BackfillCounts;
  /** The issues accepted with `force` (empty otherwise). */
  issues: CompatibilityReport['issues'];
  /** The record indexes the published version declares: created now, already there, or failed (e.g. duplicates). */
  indexes: EnsureIndexesResult;
}

/** Throws CONFIG_INVALID with one detail per problem unless the bundle is valid. */
export function assertValidBundle(bundle: unknown): void {
  const result = validateBundle(bundle);
  if (!result.valid) {
    throw new DomainError('CONFIG_INVALID', 'the configuration bundle is invalid', result.errors.map((e) => ({ path: e.path, message: e.message, code: e.code })));
  }
}

/**
 * Validates, backfills, checks compatibility against the stored records and publishes, all in one transaction under
 * the version lock: an incompatible bundle (without `force`) leaves nothing behind, not even its backfill.
 */
export async function publishConfig(em: EntityManager, request: PublishRequest): Promise<PublishOutcome> {
  assertValidBundle(request.bundle);
  const backfill = checkBackfill(request.bundle, request.backfill);
  let backfilled: BackfillCounts = {};
  let issues: CompatibilityReport['issues'] = [];
  const published = await new ConfigStore(em).publish(request.bundle, request.author, async (tx, previous, version) => {
    backfilled = await applyBackfill(tx, backfill, request.author, version);
    const report = await checkCompatibility(tx, previous?.bundle ?? null, request.bundle);
    if (!report.compatible && !request.force) {
      throw new DomainError('INCOMPATIBLE_CHANGE', 'the configuration would break existing records; backfill them or publish with force',
        report.issues.map((issue) => ({ path: bundlePointerOf(issue), message: `${issue.entity}: ${issue.message}`, code: issue.code })));
    }
    issues = report.issues;
  });
  // after the commit: CREATE INDEX CONCURRENTLY cannot run inside the publish transaction
  const indexes = await ensureIndexes(em.fork(), published);
  return { published, backfilled, issues, indexes };
}

/** The compatibility report of a candidate against the latest published version (validated first). */
export async function compatibilityOf(em: EntityManager, bundle: Json): Promise<CompatibilityReport> {
  assertValidBundle(bundle);
  const current = await new ConfigStore(em).latest();
  return checkCompatibility(em, current?.bundle ?? null, bundle);
}
