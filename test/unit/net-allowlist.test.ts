import { describe, expect, it } from 'vitest';
import { checkAddress, checkWebhookUrl, parseAllowlist } from '../../engine/domain/net/index.js';

describe('webhook allow-list', () => {
  const list = parseAllowlist(' hooks.internal , 10.20.0.0/16,*.corp.example, ::1 ,127.0.0.1');

  it('parses host names, wildcards, CIDRs and bare addresses', () => {
    expect(list.hosts).toEqual(['hooks.internal']);
    expect(list.suffixes).toEqual(['.corp.example']);
    expect(list.cidrs.map((c) => c.prefix)).toEqual([16, 128, 32]);
    expect(() => parseAllowlist('10.0.0.0/40')).toThrow(/not a valid address or CIDR/);
    expect(() => parseAllowlist('http://x')).toThrow(/entry "http:\/\/x" is not/);
    expect(() => parseAllowlist('bad host')).toThrow(/not a host name, address or CIDR/);
  });

  it('exempts allow-listed hosts and ranges, nothing else', () => {
    expect(checkAddress('hooks.internal', '10.9.9.9', list)).toMatchObject({ allowed: true, allowListed: true });
    expect(checkAddress('a.corp.example', '192.168.1.1', list)).toMatchObject({ allowed: true });
    expect(checkAddress('corp.example', '192.168.1.1', list)).toMatchObject({ allowed: false, class: 'private' });
    expect(checkAddress('x.example', '10.20.3.4', list)).toMatchObject({ allowed: true });
    expect(checkAddress('x.example', '10.21.3.4', list)).toMatchObject({ allowed: false, reason: '10.21.3.4 is a private address' });
    expect(checkAddress('x.example', '127.0.0.2', list)).toMatchObject({ allowed: false, class: 'loopback' });
    expect(checkAddress('x.example', '8.8.8.8')).toEqual({ allowed: true, class: 'public', allowListed: false });
  });
});

describe('webhook URL check (no DNS)', () => {
  const forbidden = (url: string) => {
    const result = checkWebhookUrl(url);
    return result.ok ? null : result.code;
  };

  it('accepts http(s) URLs with a public or not yet resolved host', () => {
    expect(checkWebhookUrl('https://hooks.example.com/flowcrm?x=1')).toMatchObject({ ok: true, target: { host: 'hooks.example.com', literal: null } });
    expect(checkWebhookUrl('http://8.8.8.8:8080/')).toMatchObject({ ok: true, target: { host: '8.8.8.8' } });
  });

  it('refuses other schemes, credentials and non-URLs as validation failures', () => {
    expect(forbidden('ftp://example.com/')).toBe('VALIDATION_FAILED');
    expect(forbidden('file:///etc/passwd')).toBe('VALIDATION_FAILED');
    expect(forbidden('https://user:pw@example.com/')).toBe('VALIDATION_FAILED');
    expect(forbidden('https://user@example.com/')).toBe('VALIDATION_FAILED');
    expect(forbidden('/relative')).toBe('VALIDATION_FAILED');
  });

  it('refuses internal literals in every spelling the URL parser normalises', () => {
    for (const url of ['http://127.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/', 'http://[::]/',
      'http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://[::ffff:127.0.0.1]/', 'http://10.0.0.1/', 'http://100.64.1.1/',
      'http://[fe80::1]/', 'http://[fd00::1]/', 'http://224.0.0.1/', 'http://localhost:3000/', 'http://api.localhost/']) {
      expect(forbidden(url), url).toBe('WEBHOOK_TARGET_FORBIDDEN');
    }
  });

  it('lets an allow-listed literal through', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', parseAllowlist('127.0.0.1'))).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://localhost:9999/hook', parseAllowlist('localhost'))).toMatchObject({ ok: true });
  });
});
