import { parseIp, type IpAddress } from './ip.js';
import { normalizeHost } from './classify.js';
import { checkAddress, checkHostName, emptyAllowlist, type Allowlist } from './allowlist.js';

export interface WebhookTarget {
  url: URL;
  /** Lower-case host name or address without brackets. */
  host: string;
  /** The address when the URL names one directly; otherwise DNS decides (and every answer is checked). */
  literal: IpAddress | null;
}

export type WebhookUrlCheck =
  | { ok: true; target: WebhookTarget }
  | { ok: false; code: 'VALIDATION_FAILED' | 'WEBHOOK_TARGET_FORBIDDEN'; message: string };

const maxUrlLength = 2048;

/** Everything about a webhook URL that can be judged without DNS: scheme, credentials, literal and loopback hosts. */
export function checkWebhookUrl(text: string, allowlist: Allowlist = emptyAllowlist): WebhookUrlCheck {
  if (text.length > maxUrlLength) return { ok: false, code: 'VALIDATION_FAILED', message: `the URL is longer than ${maxUrlLength} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, code: 'VALIDATION_FAILED', message: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'VALIDATION_FAILED', message: 'the URL must use https or http' };
  if (url.username || url.password) return { ok: false, code: 'VALIDATION_FAILED', message: 'the URL must not contain credentials' };
  const host = normalizeHost(url.hostname);
  if (!host) return { ok: false, code: 'VALIDATION_FAILED', message: 'the URL has no host' };
  const literal = parseIp(host);
  if (literal) {
    const verdict = checkAddress(host, literal, allowlist);
    if (!verdict.allowed) return { ok: false, code: 'WEBHOOK_TARGET_FORBIDDEN', message: `webhook target refused: ${verdict.reason}` };
  } else {
    const verdict = checkHostName(host, allowlist);
    if (!verdict.allowed) return { ok: false, code: 'WEBHOOK_TARGET_FORBIDDEN', message: `webhook target refused: ${verdict.reason}` };
  }
  return { ok: true, target: { url, host, literal } };
}
