import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigVersionEntity, type ConfigVersion } from './entities.js';
import { contentHash } from './canonical-json.js';
import { DomainError } from '../domain/errors.js';
import { addAudit } from './audit.js';

export interface PublishedConfig {
  version: number;
  hash: string;
  author: string;
  createdAt: Date;
  bundle: Record<string, unknown>;
}

export type BeforeInsert = (tx: EntityManager, previous: PublishedConfig | null, version: number) => Promise<void>;

/** Published versions by database and number: immutable, so kept once read. */
const byVersion = new Map<string, PublishedConfig>();
/** The latest version each database was seen at, and when: reads may use it for a second (see `current`). */
const latestSeen = new Map<string, { version: number; at: number }>();

/** Reads may see a newly published version up to this long after another process published it. */
export const READ_STALENESS_MS = 1000;

function toPublished(row: ConfigVersion): PublishedConfig {
  return { version: row.version, hash: row.hash, author: row.author, createdAt: row.createdAt, bundle: row.bundle };
}

/** Published configuration versions: immutable, so they are cached forever once read. */
export class ConfigStore {
  constructor(private readonly em: EntityManager) {}

  async latest(): Promise<PublishedConfig | null> {
    const row = await this.em.findOne(ConfigVersionEntity, { version: { $gt: 0 } }, { orderBy: { version: 'desc' } });
    if (!row) return null;
    return this.remember(toPublished(row));
  }

  async current(): Promise<PublishedConfig> {
    const config = await this.latest();
    if (!config) throw new DomainError('NOT_FOUND', 'no configuration has been published yet');
    return config;
  }

  /**
   * The latest version without reading its bundle again when it is cached: one `max(version)` query, or none when
   * the version was seen within `maxAgeMs`.
   */
  async currentFast(maxAgeMs = 0): Promise<PublishedConfig> {
    const version = await this.latestVersion(maxAgeMs);
    if (version === null) throw new DomainError('NOT_FOUND', 'no configuration has been published yet');
    return this.get(version);
  }

  async get(version: number): Promise<PublishedConfig> {
    const cached = byVersion.get(this.cacheKey(version));
    if (cached) return cached;
    const row = await this.em.findOne(ConfigVersionEntity, { version });
    if (!row) throw new DomainError('NOT_FOUND', `configuration version ${version} does not exist`);
    return this.remember(toPublished(row));
  }

  async list(): Promise<Omit<PublishedConfig, 'bundle'>[]> {
    const rows = await this.em.find(ConfigVersionEntity, { version: { $gt: 0 } }, { orderBy: { version: 'desc' }, fields: ['version', 'hash', 'author', 'createdAt'] });
    return rows.map((r) => ({ version: r.version, hash: r.hash, author: r.author, createdAt: r.createdAt }));
  }

  /**
   * Publishes a validated bundle as the next version. The caller validates first. `beforeInsert` runs in the same
   * transaction, after the version lock is taken: what it writes commits with the version, and if it throws nothing does.
   */
  async publish(bundle: Record<string, unknown>, author: string, beforeInsert?: BeforeInsert): Promise<PublishedConfig> {
    const { version: _ignored, ...content } = bundle;
    return this.em.transactional(async (em) => {
      await em.getConnection().execute('lock table config_versions in exclusive mode', [], 'run', em.getTransactionContext());
      const last = await em.findOne(ConfigVersionEntity, { version: { $gt: 0 } }, { orderBy: { version: 'desc' } });
      const version = (last?.version ?? 0) + 1;
      await beforeInsert?.(em, last ? toPublished(last) : null, version);
      const row = em.create(ConfigVersionEntity, {
        version,
        hash: contentHash(content),
        author,
        createdAt: new Date(),
        bundle: content,
      });
      addAudit(em, {
        entity: 'config', action: 'publish', actor: author,
        changes: { version: { before: last?.version ?? null, after: version }, hash: { before: last?.hash ?? null, after: row.hash } },
      });
      await em.flush();
      return this.remember(toPublished(row));
    });
  }

  /** The latest version as seen within `maxAgeMs` (0: ask the database now). Writes always ask. */
  async latestVersion(maxAgeMs = 0): Promise<number | null> {
    const seen = latestSeen.get(this.database());
    if (seen && maxAgeMs > 0 && Date.now() - seen.at <= maxAgeMs) return seen.version;
    const rows = await this.em.getConnection().execute('select max(version) as version from config_versions', [], 'all', this.em.getTransactionContext());
    const version = (rows as { version: number | null }[])[0]?.version ?? null;
    if (version !== null) latestSeen.set(this.database(), { version, at: Date.now() });
    return version;
  }

  private database(): string {
    return String(this.em.config.get('clientUrl') ?? this.em.config.get('dbName'));
  }

  private cacheKey(version: number): string {
    return `${this.database()}#${version}`;
  }

  private remember(config: PublishedConfig): PublishedConfig {
    byVersion.set(this.cacheKey(config.version), config);
    const seen = latestSeen.get(this.database());
    if (!seen || seen.version < config.version) latestSeen.set(this.database(), { version: config.version, at: Date.now() });
    return config;
  }
}
