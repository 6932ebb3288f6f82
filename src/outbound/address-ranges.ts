import net from 'node:net';

/**
 * Addresses a URL taken from a payload must not reach unless an allow-list names them: the hub's own
 * machine, its networks and the cloud's metadata service. Without this, a deployment naming
 * http://169.254.169.254/ or a host whose DNS answers 10.0.0.5 makes the hub a proxy into its network.
 */
const RANGES: Array<[string, number, 4 | 6, string]> = [
  ['0.0.0.0', 8, 4, 'this network'],
  ['10.0.0.0', 8, 4, 'private'],
  ['100.64.0.0', 10, 4, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 4, 'loopback'],
  ['169.254.0.0', 16, 4, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 4, 'private'],
  ['192.0.0.0', 24, 4, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 4, 'documentation'],
  ['192.168.0.0', 16, 4, 'private'],
  ['198.18.0.0', 15, 4, 'benchmarking'],
  ['198.51.100.0', 24, 4, 'documentation'],
  ['203.0.113.0', 24, 4, 'documentation'],
  ['224.0.0.0', 4, 4, 'multicast'],
  ['240.0.0.0', 4, 4, 'reserved'],
  ['::', 128, 6, 'unspecified'],
  ['::1', 128, 6, 'loopback'],
  ['fc00::', 7, 6, 'unique local (private)'],
  ['fe80::', 10, 6, 'link-local'],
  ['fec0::', 10, 6, 'site-local'],
  ['ff00::', 8, 6, 'multicast'],
  ['2001:db8::', 32, 6, 'documentation'],
];

const LISTS = RANGES.map(([network, prefix, family, label]) => {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return { list, family, label, cidr: `${network}/${prefix}` };
});

/**
 * The IPv4 address inside an IPv6 one that carries it (`::ffff:127.0.0.1`, NAT64 `64:ff9b::7f00:1`,
 * IPv4-compatible `::7f00:1`), so it is judged as the IPv4 address it reaches.
 */
export function embeddedIPv4(address: string): string | null {
  if (!net.isIPv6(address)) return null;
  const groups = expandIPv6(address);
  if (!groups) return null;
  const high = groups.slice(0, 6);
  const mapped = high.slice(0, 5).every((group) => group === 0) && high[5] === 0xffff;
  const nat64 = high[0] === 0x64 && high[1] === 0xff9b && high.slice(2).every((group) => group === 0);
  const compatible = high.every((group) => group === 0) && (groups[6]! !== 0 || groups[7]! > 1);
  if (!mapped && !nat64 && !compatible) return null;
  const [a, b] = [groups[6]!, groups[7]!];
  return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
}

/** The special range an address falls in ("loopback", "private", …), or null for an ordinary public address. */
export function specialRange(address: string): string | null {
  const inner = embeddedIPv4(address);
  const [subject, family] = inner ? [inner, 4] : [address, net.isIPv4(address) ? 4 : 6];
  for (const entry of LISTS) {
    if (entry.family === family && entry.list.check(subject, family === 4 ? 'ipv4' : 'ipv6')) return entry.label;
  }
  return null;
}

function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase();
  // A dotted tail (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined && headGroups.length !== 8) return null;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups].map(
    (group) => Number.parseInt(group, 16),
  );
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : null;
}
