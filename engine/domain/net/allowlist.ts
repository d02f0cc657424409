import { cidrContains, formatIp, parseCidr, parseIp, type Cidr, type IpAddress } from './ip.js';
import { classifyAddress, isLocalhostName, normalizeHost, type AddressClass } from './classify.js';

/** Exceptions to the SSRF rules: exact host names, `*.suffix` wildcards and address ranges. */
export interface Allowlist {
  hosts: string[];
  suffixes: string[];
  cidrs: Cidr[];
}

export const emptyAllowlist: Allowlist = { hosts: [], suffixes: [], cidrs: [] };

const hostName = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** Parses `FLOWCRM_WEBHOOK_ALLOWLIST`-style entries (a comma-separated string or a list); a bad entry throws. */
export function parseAllowlist(entries: string | readonly string[] | undefined): Allowlist {
  const list = typeof entries === 'string' ? entries.split(',') : (entries ?? []);
  const result: Allowlist = { hosts: [], suffixes: [], cidrs: [] };
  for (const raw of list) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('/') || parseIp(entry)) {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`webhook allow-list entry "${entry}" is not a valid address or CIDR`);
      result.cidrs.push(cidr);
    } else if (entry.startsWith('*.') && hostName.test(normalizeHost(entry.slice(2)))) {
      result.suffixes.push('.' + normalizeHost(entry.slice(2)));
    } else if (hostName.test(normalizeHost(entry))) {
      result.hosts.push(normalizeHost(entry));
    } else {
      throw new Error(`webhook allow-list entry "${entry}" is not a host name, address or CIDR`);
    }
  }
  return result;
}

export function hostAllowed(list: Allowlist, host: string): boolean {
  const h = normalizeHost(host);
  return list.hosts.includes(h) || list.suffixes.some((s) => h.endsWith(s));
}

export function addressAllowed(list: Allowlist, ip: IpAddress): boolean {
  return list.cidrs.some((cidr) => cidrContains(cidr, ip));
}

export type AddressVerdict = { allowed: true; class: AddressClass; allowListed: boolean } | { allowed: false; class: AddressClass; reason: string };

/** Whether a connection from the worker to `address` (reached via the name `host`) is permitted. */
export function checkAddress(host: string, address: IpAddress | string, list: Allowlist = emptyAllowlist): AddressVerdict {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return { allowed: false, class: 'reserved', reason: `"${String(address)}" is not an IP address` };
  const cls = classifyAddress(ip);
  if (hostAllowed(list, host) || addressAllowed(list, ip)) return { allowed: true, class: cls, allowListed: true };
  if (cls !== 'public') return { allowed: false, class: cls, reason: `${formatForMessage(address)} is a ${cls} address` };
  return { allowed: true, class: cls, allowListed: false };
}

/** A host name that must be refused before any DNS lookup. */
export function checkHostName(host: string, list: Allowlist = emptyAllowlist): { allowed: true } | { allowed: false; reason: string } {
  if (isLocalhostName(host) && !hostAllowed(list, host)) return { allowed: false, reason: `${normalizeHost(host)} is a loopback name` };
  return { allowed: true };
}

function formatForMessage(address: IpAddress | string): string {
  return typeof address === 'string' ? address : formatIp(address);
}
