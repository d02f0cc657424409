/** IP literals as byte arrays (4 or 16 bytes), parsed without node:net so that pure code can classify addresses. */
export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  bytes: number[];
}

export interface Cidr {
  family: IpFamily;
  bytes: number[];
  prefix: number;
}

const decimalOctet = /^(0|[1-9][0-9]{0,2})$/;
const hexGroup = /^[0-9a-f]{1,4}$/i;

export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!decimalOctet.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (!v4) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!hexGroup.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

/** RFC 4291 text forms, including `::` compression and a dotted IPv4 tail; a zone id (`%eth0`) is ignored. */
export function parseIPv6(text: string): number[] | null {
  const withoutZone = text.split('%')[0];
  if (!withoutZone.includes(':')) return null;
  const halves = withoutZone.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Parses an IPv4 or IPv6 literal; brackets around IPv6 (as in URLs) are accepted. */
export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  const unbracketed = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  const v4 = parseIPv4(unbracketed);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(unbracketed);
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a host route). */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...ip, prefix: max };
  if (!/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { ...ip, prefix } : null;
}

function prefixMatches(a: number[], b: number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const remaining = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - remaining)) & 0xff;
    if ((a[bit / 8] & mask) !== (b[bit / 8] & mask)) return false;
  }
  return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), or null. */
export function mappedIPv4(ip: IpAddress): number[] | null {
  if (ip.family !== 6) return null;
  const isMapped = ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return isMapped ? ip.bytes.slice(12) : null;
}

/** Whether the range holds the address; an IPv4-mapped IPv6 address also matches IPv4 ranges. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family === ip.family) return prefixMatches(cidr.bytes, ip.bytes, cidr.prefix);
  const mapped = mappedIPv4(ip);
  return cidr.family === 4 && mapped !== null && prefixMatches(cidr.bytes, mapped, cidr.prefix);
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] << 8) | ip.bytes[i + 1]).toString(16));
  return groups.join(':');
}
