import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** Where and how to reach Temporal: a local dev server, a self-hosted cluster with (m)TLS, or Temporal Cloud. */
export interface TemporalAccess {
  address: string;
  namespace: string;
  /** TLS: `true` for TLS with the system's CAs, or certificates; absent: plaintext. */
  tls?: TLSConfig | true;
  /** Temporal Cloud API key (sent as `Authorization: Bearer`); implies TLS. */
  apiKey?: string;
}

/** The options `Connection.connect` (client) and `NativeConnection.connect` (worker) both take. */
export interface ConnectionOptions {
  address: string;
  tls?: TLSConfig | true;
  apiKey?: string;
}

export class TemporalSettingsError extends Error {}

type Env = Record<string, string | undefined>;

/**
 * A PEM from `TEMPORAL_TLS_<NAME>` (a file path) or `TEMPORAL_TLS_<NAME>_DATA` (the PEM itself, for secrets injected
 * as variables): the names of the Temporal CLI.
 */
function pem(env: Env, name: string, read: (path: string) => Buffer): Buffer | undefined {
  const path = env[`TEMPORAL_TLS_${name}`];
  const data = env[`TEMPORAL_TLS_${name}_DATA`];
  if (path && data) throw new TemporalSettingsError(`set TEMPORAL_TLS_${name} or TEMPORAL_TLS_${name}_DATA, not both`);
  if (data) return Buffer.from(data);
  if (!path) return undefined;
  try {
    return read(path);
  } catch (error) {
    throw new TemporalSettingsError(`TEMPORAL_TLS_${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function flag(env: Env, name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new TemporalSettingsError(`${name} must be true or false, not ${value}`);
}

/**
 * Reads `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`, `TEMPORAL_TLS_CERT` / `_KEY` /
 * `_CA` (paths, or `..._DATA` with the PEM) and `TEMPORAL_TLS_SERVER_NAME`. Any certificate, a server name or an API
 * key turns TLS on; `TEMPORAL_TLS=false` with one of them is a contradiction and refused.
 */
export function temporalAccessFromEnv(env: Env = process.env, read: (path: string) => Buffer = (p) => readFileSync(p)): TemporalAccess {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const crt = pem(env, 'CERT', read);
  const key = pem(env, 'KEY', read);
  const ca = pem(env, 'CA', read);
  const serverName = env.TEMPORAL_TLS_SERVER_NAME || undefined;
  if (!!crt !== !!key) throw new TemporalSettingsError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs both)');
  const tlsFlag = flag(env, 'TEMPORAL_TLS');
  const customised = !!(crt || ca || serverName);
  if (tlsFlag === false && (customised || apiKey)) {
    throw new TemporalSettingsError('TEMPORAL_TLS=false contradicts the TLS certificates, server name or API key that are set');
  }
  const access: TemporalAccess = { address, namespace, ...(apiKey ? { apiKey } : {}) };
  if (customised) {
    access.tls = {
      ...(serverName ? { serverNameOverride: serverName } : {}),
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    };
  } else if (tlsFlag || apiKey) {
    access.tls = true;
  }
  return access;
}

/** The one mapping from settings to connection options, for the API's client and the worker's native connection. */
export function connectionOptions(access: Pick<TemporalAccess, 'address' | 'tls' | 'apiKey'>): ConnectionOptions {
  return {
    address: access.address,
    ...(access.tls ? { tls: access.tls } : {}),
    ...(access.apiKey ? { apiKey: access.apiKey } : {}),
  };
}

/** For logs: where Temporal is and how it is reached, never a secret. */
export function describeAccess(access: TemporalAccess): string {
  const tls = !access.tls ? 'plaintext' : access.tls === true ? 'TLS' : access.tls.clientCertPair ? 'mTLS' : 'TLS (custom CA or server name)';
  return `${access.address} namespace ${access.namespace}, ${tls}${access.apiKey ? ', API key' : ''}`;
}
