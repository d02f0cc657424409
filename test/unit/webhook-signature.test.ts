import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../worker/notifications/signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"d1","event":"task.created","data":{"a":1}}';
  const now = 1_750_000_000;

  it('signs t + "." + body with HMAC-SHA256 in the documented header format', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('verifies a fresh signature over the exact bytes', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, body, 300, now + 299)).toBe(true);
    expect(verifySignature(secret, header, Buffer.from(body), 300, now)).toBe(true);
  });

  it('refuses a changed body, another secret, a stale or future timestamp and malformed headers', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, body.replace('1', '2'), 300, now)).toBe(false);
    expect(verifySignature('whsec_other', header, body, 300, now)).toBe(false);
    expect(verifySignature(secret, header, body, 300, now + 301)).toBe(false);
    expect(verifySignature(secret, header, body, 300, now - 301)).toBe(false);
    expect(verifySignature(secret, header.replace(`t=${now}`, `t=${now + 1}`), body, 300, now)).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${now}`, `t=x,v1=${'0'.repeat(64)}`, `t=${now},v1=${'0'.repeat(63)}`, `${header}=x`]) {
      expect(verifySignature(secret, bad, body, 300, now), String(bad)).toBe(false);
    }
  });

  it('ignores schemes it does not know', () => {
    expect(verifySignature(secret, `${signatureHeader(secret, body, now)},v2=zzz`, body, 300, now)).toBe(true);
  });

  it('accepts a header carrying several v1 signatures when one matches (secret rotation)', () => {
    const good = signatureHeader(secret, body, now).split(',')[1];
    expect(verifySignature(secret, `t=${now},v1=${'a'.repeat(64)},${good}`, body, 300, now)).toBe(true);
  });
});
