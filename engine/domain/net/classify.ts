import { cidrContains, parseCidr, parseIp, type Cidr, type IpAddress } from './ip.js';

/** What kind of network an address belongs to; only `public` may be the target of a webhook by default. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'cgnat' | 'reserved';

function ranges(entries: [string, AddressClass][]): [Cidr, AddressClass][] {
  return entries.map(([text, cls]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad built-in range ${text}`);
    return [cidr, cls];
  });
}

const ipv4Ranges = ranges([
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'reserved'],
  ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['169.254.0.0/16', 'link-local'],
  ['100.64.0.0/10', 'cgnat'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
]);

const ipv6Ranges = ranges([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'private'],
  ['fec0::/10', 'private'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['100::/64', 'reserved'],
  ['2001:db8::/32', 'reserved'],
]);

/** IPv6 forms that carry an IPv4 address a gateway may translate to: mapped, NAT64, IPv4-compatible, 6to4. */
function embeddedIPv4(ip: IpAddress): number[] | null {
  const b = ip.bytes;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12);
  if (zeros(0, 12) && !zeros(12, 14)) return b.slice(12);
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return null;
}

function lookupClass(ip: IpAddress, table: [Cidr, AddressClass][]): AddressClass | null {
  return table.find(([cidr]) => cidrContains(cidr, ip))?.[1] ?? null;
}

export function classifyAddress(address: IpAddress | string): AddressClass {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) throw new Error(`not an IP address: ${String(address)}`);
  if (ip.family === 4) return lookupClass(ip, ipv4Ranges) ?? 'public';
  const direct = lookupClass(ip, ipv6Ranges);
  if (direct) return direct;
  const v4 = embeddedIPv4(ip);
  return v4 ? classifyAddress({ family: 4, bytes: v4 }) : 'public';
}

/** `localhost` and its subdomains never leave the machine (RFC 6761), whatever DNS says. */
export function isLocalhostName(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain';
}

export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}
