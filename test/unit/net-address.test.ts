import { describe, expect, it } from 'vitest';
import { classifyAddress, parseIp, parseCidr, cidrContains, formatIp, isLocalhostName } from '../../engine/domain/net/index.js';

describe('IP parsing', () => {
  it('parses IPv4 and IPv6 forms, including compression, brackets, zones and dotted tails', () => {
    expect(parseIp('192.168.1.20')).toEqual({ family: 4, bytes: [192, 168, 1, 20] });
    expect(formatIp(parseIp('[::1]')!)).toBe('0:0:0:0:0:0:0:1');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80:0:0:0:0:0:0:1');
    expect(formatIp(parseIp('::ffff:127.0.0.1')!)).toBe('0:0:0:0:0:ffff:7f00:1');
    expect(formatIp(parseIp('2001:db8:0:0:1::')!)).toBe('2001:db8:0:0:1:0:0:0');
  });

  it('rejects what is not an address', () => {
    for (const text of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'example.com', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', '']) {
      expect(parseIp(text), text).toBeNull();
    }
  });

  it('matches CIDR ranges, IPv4 ranges also against IPv4-mapped IPv6', () => {
    const net = parseCidr('10.0.0.0/8')!;
    expect(cidrContains(net, parseIp('10.255.0.1')!)).toBe(true);
    expect(cidrContains(net, parseIp('11.0.0.1')!)).toBe(false);
    expect(cidrContains(net, parseIp('::ffff:10.1.2.3')!)).toBe(true);
    expect(cidrContains(parseCidr('172.16.0.0/12')!, parseIp('172.31.255.255')!)).toBe(true);
    expect(cidrContains(parseCidr('172.16.0.0/12')!, parseIp('172.32.0.0')!)).toBe(false);
    expect(cidrContains(parseCidr('fe80::/10')!, parseIp('febf::1')!)).toBe(true);
    expect(cidrContains(parseCidr('fe80::/10')!, parseIp('fec0::1')!)).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('10.0.0.0/8/1')).toBeNull();
  });
});

describe('address classification', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['::1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.0.1', 'private'], ['fc00::1', 'private'], ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'], ['169.254.0.1', 'link-local'], ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
    ['100.64.0.1', 'cgnat'], ['100.127.255.255', 'cgnat'],
    ['255.255.255.255', 'reserved'], ['0.1.2.3', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:169.254.169.254', 'link-local'], ['::ffff:10.0.0.1', 'private'], ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::a9fe:a9fe', 'link-local'], ['2002:7f00:1::', 'loopback'], ['::127.0.0.1', 'loopback'],
    ['8.8.8.8', 'public'], ['93.184.216.34', 'public'], ['172.32.0.1', 'public'], ['100.128.0.1', 'public'], ['2606:4700:4700::1111', 'public'], ['::ffff:8.8.8.8', 'public'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('treats localhost names as loopback whatever DNS says', () => {
    expect(isLocalhostName('localhost')).toBe(true);
    expect(isLocalhostName('LOCALHOST.')).toBe(true);
    expect(isLocalhostName('api.localhost')).toBe(true);
    expect(isLocalhostName('localhost.example.com')).toBe(false);
  });
});
