import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getFreePort, isPortFree } from './ports.js';

export interface TemporalPlan {
  /** Set when TEMPORAL_ADDRESS points at an existing server: nothing is started. */
  external?: string;
  port: number;
  uiPort?: number;
  headless: boolean;
  dbFile: string;
  notes: string[];
}

function intEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw} is not a valid port`);
  return n;
}

/** A port from `envName` (must be free), else `preferred` if free, else a free one (noted). */
async function choosePort(envName: string, preferred: number, what: string, notes: string[]): Promise<number> {
  const explicit = intEnv(envName);
  if (explicit !== undefined) {
    if (explicit !== 0 && !(await isPortFree(explicit))) throw new Error(`${envName}=${explicit}: port already in use`);
    return explicit || getFreePort();
  }
  if (await isPortFree(preferred)) return preferred;
  const port = await getFreePort();
  notes.push(`port ${preferred} is taken, so the ${what} uses port ${port} instead`);
  return port;
}

export async function planTemporal(dataDir: string): Promise<TemporalPlan> {
  const notes: string[] = [];
  const dbFile = path.join(dataDir, 'temporal.sqlite');
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) return { external, port: 0, headless: true, dbFile, notes };
  const port = await choosePort('FLOWCRM_TEMPORAL_PORT', 7233, 'Temporal dev server (gRPC)', notes);
  const headless = process.env.FLOWCRM_TEMPORAL_HEADLESS === '1';
  const uiPort = headless ? undefined : await choosePort('FLOWCRM_TEMPORAL_UI_PORT', 8233, 'Temporal UI', notes);
  return { port, uiPort, headless, dbFile, notes };
}

export interface DatabasePlan {
  /** Directory of the embedded PostgreSQL (cluster, password, log). */
  dir: string;
  port: number;
  maxConnections: number;
  notes: string[];
}

/** The embedded PostgreSQL of `npm start` (only used when DATABASE_URL is not set). */
export async function planDatabase(dataDir: string): Promise<DatabasePlan> {
  const notes: string[] = [];
  const port = await choosePort('FLOWCRM_PG_PORT', 5432, 'embedded PostgreSQL', notes);
  const raw = process.env.FLOWCRM_PG_MAX_CONNECTIONS;
  const maxConnections = raw ? Number(raw) : 50;
  if (!Number.isInteger(maxConnections) || maxConnections < 20) {
    throw new Error(`FLOWCRM_PG_MAX_CONNECTIONS=${raw}: needs an integer >= 20 (the API pool 10 + the worker pool 5 + admin)`);
  }
  return { dir: path.join(dataDir, 'postgres'), port, maxConnections, notes };
}

/**
 * Demo data is on for the embedded default (no DATABASE_URL) and off as soon as DATABASE_URL is given,
 * unless FLOWCRM_DEMO=1 asks for it. FLOWCRM_DEMO=0 turns it off explicitly.
 */
export function demoMode(embeddedDb: boolean): boolean {
  const flag = process.env.FLOWCRM_DEMO;
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return embeddedDb;
}

/** FLOWCRM_JWT_SECRET, else a random secret persisted (mode 600) in <dataDir>/jwt-secret. */
export function jwtSecret(dataDir: string): string {
  if (process.env.FLOWCRM_JWT_SECRET) return process.env.FLOWCRM_JWT_SECRET;
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) {
      chmodSync(file, 0o600);
      return secret;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export interface ApiEndpoint {
  host: string;
  port: number;
  /** Base URL for humans and the health check (0.0.0.0 / :: are shown as 127.0.0.1). */
  baseUrl: string;
}

export function apiEndpoint(): ApiEndpoint {
  const host = process.env.HOST || '127.0.0.1';
  const port = intEnv('PORT') ?? 3000;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { host, port, baseUrl: `http://${shown}:${port}` };
}

export const DEMO_USERS = [
  'admin', 'sales1', 'sales2', 'branchmgr', 'regiondir', 'hqvp', 'finance', 'credit1', 'creditmgr',
  'service1', 'dispatcher', 'tech1', 'tech2', 'collector1', 'collectmgr',
];
