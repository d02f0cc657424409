import { describe, expect, it } from 'vitest';
import { parseAllowlist } from '../../engine/domain/net/index.js';
import { resolveWebhookTarget, type LookupAll } from '../../engine/net/webhook-target.js';

const dns = (table: Record<string, string[]>): LookupAll & { calls: string[] } => {
  const calls: string[] = [];
  const lookup = async (host: string) => {
    calls.push(host);
    const answers = table[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
};

describe('webhook target resolution', () => {
  it('checks every address DNS returns and refuses if any is internal', async () => {
    const lookup = dns({ 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'v6.example': ['2606:4700::1', '::ffff:169.254.169.254'] });
    await expect(resolveWebhookTarget('https://mixed.example/hook', parseAllowlist([]), lookup))
      .rejects.toMatchObject({ code: 'WEBHOOK_TARGET_FORBIDDEN', message: expect.stringContaining('10.0.0.5 is a private address') });
    await expect(resolveWebhookTarget('https://v6.example/hook', parseAllowlist([]), lookup))
      .rejects.toMatchObject({ code: 'WEBHOOK_TARGET_FORBIDDEN', message: expect.stringContaining('link-local') });
  });

  it('pins the first checked address of a public host', async () => {
    const lookup = dns({ 'hooks.example': ['93.184.216.34', '93.184.216.35'] });
    const target = await resolveWebhookTarget('https://Hooks.Example:8443/in', parseAllowlist([]), lookup);
    expect(target).toMatchObject({ host: 'hooks.example', address: '93.184.216.34', family: 4 });
    expect(target.url.port).toBe('8443');
    expect(lookup.calls).toEqual(['hooks.example']);
  });

  it('does not ask DNS about literals or localhost names', async () => {
    const lookup = dns({});
    await expect(resolveWebhookTarget('http://localhost:1/', parseAllowlist([]), lookup)).rejects.toMatchObject({ code: 'WEBHOOK_TARGET_FORBIDDEN' });
    await expect(resolveWebhookTarget('http://[::1]:1/', parseAllowlist([]), lookup)).rejects.toMatchObject({ code: 'WEBHOOK_TARGET_FORBIDDEN' });
    expect(await resolveWebhookTarget('http://8.8.8.8/', parseAllowlist([]), lookup)).toMatchObject({ address: '8.8.8.8' });
    expect(lookup.calls).toEqual([]);
  });

  it('reports an unresolvable name separately (retryable at delivery time)', async () => {
    await expect(resolveWebhookTarget('https://nowhere.example/', parseAllowlist([]), dns({}))).rejects.toMatchObject({ code: 'UNRESOLVABLE' });
  });

  it('honours allow-listed host names and ranges', async () => {
    const lookup = dns({ 'hooks.internal': ['10.1.1.1'], 'other.internal': ['10.2.2.2'] });
    expect(await resolveWebhookTarget('http://hooks.internal/', parseAllowlist('hooks.internal'), lookup)).toMatchObject({ address: '10.1.1.1' });
    expect(await resolveWebhookTarget('http://other.internal/', parseAllowlist('10.2.0.0/16'), lookup)).toMatchObject({ address: '10.2.2.2' });
  });
});
