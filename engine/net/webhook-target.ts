import { lookup as dnsLookup } from 'node:dns/promises';
import { checkAddress, checkWebhookUrl, formatIp, type Allowlist } from '../domain/net/index.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (node:dns lookup with `all`). */
export type LookupAll = (host: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupAll = (host) => dnsLookup(host, { all: true });

export type TargetErrorCode = 'VALIDATION_FAILED' | 'WEBHOOK_TARGET_FORBIDDEN' | 'UNRESOLVABLE';

export class WebhookTargetError extends Error {
  constructor(readonly code: TargetErrorCode, message: string) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

/** A URL whose every address passed the SSRF rules, with the one address to connect to. */
export interface ResolvedTarget {
  url: URL;
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * Applies the SSRF rules to a webhook URL: the URL form, then every address DNS returns. The caller must connect to
 * `address` (not resolve the name again), so a DNS answer that changes between check and connect cannot slip through.
 */
export async function resolveWebhookTarget(urlText: string, allowlist: Allowlist, lookup: LookupAll = systemLookup): Promise<ResolvedTarget> {
  const checked = checkWebhookUrl(urlText, allowlist);
  if (!checked.ok) throw new WebhookTargetError(checked.code, checked.message);
  const { url, host, literal } = checked.target;
  if (literal) return { url, host, address: formatIp(literal), family: literal.family };
  let addresses: ResolvedAddress[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    throw new WebhookTargetError('UNRESOLVABLE', `cannot resolve ${host}: ${(error as Error).message}`);
  }
  if (addresses.length === 0) throw new WebhookTargetError('UNRESOLVABLE', `${host} has no addresses`);
  for (const { address } of addresses) {
    const verdict = checkAddress(host, address, allowlist);
    if (!verdict.allowed) throw new WebhookTargetError('WEBHOOK_TARGET_FORBIDDEN', `webhook target refused: ${host} resolves to ${verdict.reason}`);
  }
  const first = addresses[0];
  return { url, host, address: first.address, family: first.family === 6 ? 6 : 4 };
}
