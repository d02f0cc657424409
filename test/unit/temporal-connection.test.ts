import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions, describeAccess, temporalAccessFromEnv } from '../../engine/temporal/connection.js';

const files: Record<string, string> = { '/s/client.pem': 'CERT', '/s/client.key': 'KEY', '/s/ca.pem': 'CA' };
const read = (p: string) => {
  if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return Buffer.from(files[p]);
};
const options = (env: Record<string, string>) => connectionOptions(temporalAccessFromEnv(env, read));
const b = (s: string) => Buffer.from(s);

describe('Temporal connection settings', () => {
  it.each<[string, Record<string, string>, unknown]>([
    ['nothing set: the local dev server, plaintext', {}, { address: '127.0.0.1:7233' }],
    ['a cluster without TLS', { TEMPORAL_ADDRESS: 'temporal:7233' }, { address: 'temporal:7233' }],
    ['TLS with the system CAs', { TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS: 'true' }, { address: 't:7233', tls: true }],
    ['mTLS with files', { TEMPORAL_TLS_CERT: '/s/client.pem', TEMPORAL_TLS_KEY: '/s/client.key' },
      { address: '127.0.0.1:7233', tls: { clientCertPair: { crt: b('CERT'), key: b('KEY') } } }],
    ['mTLS with a private CA and a server name', { TEMPORAL_TLS_CERT: '/s/client.pem', TEMPORAL_TLS_KEY: '/s/client.key', TEMPORAL_TLS_CA: '/s/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' },
      { address: '127.0.0.1:7233', tls: { serverNameOverride: 'temporal.internal', serverRootCACertificate: b('CA'), clientCertPair: { crt: b('CERT'), key: b('KEY') } } }],
    ['PEMs given inline (_DATA)', { TEMPORAL_TLS_CERT_DATA: 'C1', TEMPORAL_TLS_KEY_DATA: 'K1' },
      { address: '127.0.0.1:7233', tls: { clientCertPair: { crt: b('C1'), key: b('K1') } } }],
    ['only a CA: TLS against a private CA', { TEMPORAL_TLS_CA: '/s/ca.pem' }, { address: '127.0.0.1:7233', tls: { serverRootCACertificate: b('CA') } }],
    ['Temporal Cloud with an API key: TLS on by itself', { TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'crm.acct', TEMPORAL_API_KEY: 'k-123' },
      { address: 'eu-west-1.aws.api.temporal.io:7233', tls: true, apiKey: 'k-123' }],
    ['Temporal Cloud with mTLS', { TEMPORAL_ADDRESS: 'crm.acct.tmprl.cloud:7233', TEMPORAL_TLS_CERT: '/s/client.pem', TEMPORAL_TLS_KEY: '/s/client.key' },
      { address: 'crm.acct.tmprl.cloud:7233', tls: { clientCertPair: { crt: b('CERT'), key: b('KEY') } } }],
  ])('%s', (_name, env, expected) => {
    expect(options(env)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, string]>([
    ['a certificate without its key', { TEMPORAL_TLS_CERT: '/s/client.pem' }, 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together'],
    ['a key without its certificate', { TEMPORAL_TLS_KEY: '/s/client.key' }, 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together'],
    ['an unreadable file', { TEMPORAL_TLS_CA: '/s/missing.pem' }, 'TEMPORAL_TLS_CA: cannot read /s/missing.pem (ENOENT)'],
    ['a path and inline data', { TEMPORAL_TLS_CA: '/s/ca.pem', TEMPORAL_TLS_CA_DATA: 'X' }, 'set TEMPORAL_TLS_CA or TEMPORAL_TLS_CA_DATA, not both'],
    ['TLS off with an API key', { TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }, 'TEMPORAL_TLS=false contradicts'],
    ['a TLS flag that is not a boolean', { TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS must be true or false, not maybe'],
  ])('refuses %s', (_name, env, message) => {
    expect(() => options(env)).toThrow(message);
  });

  it('reads certificate files from disk, and describes the access without secrets', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowcrm-tls-'));
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    const access = temporalAccessFromEnv({ TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'), TEMPORAL_NAMESPACE: 'crm', TEMPORAL_API_KEY: 'secret-key' });
    expect(access.tls).toEqual({ serverRootCACertificate: b('-----BEGIN CERTIFICATE-----\n') });
    expect(describeAccess(access)).toBe('127.0.0.1:7233 namespace crm, TLS (custom CA or server name), API key');
    expect(describeAccess(access)).not.toContain('secret-key');
  });
});
