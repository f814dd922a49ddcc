/**
 * Which URLs web_fetch may reach: http(s) only, a host on the task's network list (the
 * same patterns as the sandbox's list: `example.com`, `*.example.com`), and an address
 * that is not private, loopback or link-local unless the host is listed literally, so a
 * DNS answer cannot turn an allowed name into the cloud metadata service or the LAN.
 */
import { BlockList, isIP, type LookupFunction } from "node:net";

/** A URL, hop or address web_fetch will not reach; the message is for the model. */
export class WebFetchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebFetchRefused";
  }
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(net, bits, "ipv4");
// IPv4-mapped addresses (::ffff:a.b.c.d) are matched against the IPv4 rules by BlockList.
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address: refused as a whole.
for (const [net, bits] of [
  ["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["64:ff9b:1::", 48],
  ["2002::", 16], ["2001:db8::", 32], ["100::", 64],
] as const) PRIVATE.addSubnet(net, bits, "ipv6");

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** How `host` is on the list: named as it is, through a `*.` pattern, or not at all. */
export function hostListing(host: string, patterns: readonly string[]): "literal" | "pattern" | undefined {
  const name = host.toLowerCase().replace(/\.$/, "");
  let found: "pattern" | undefined;
  for (const raw of patterns) {
    const pattern = raw.toLowerCase();
    if (pattern === name) return "literal";
    if (pattern.startsWith("*.") && name.endsWith(pattern.slice(1))) found = "pattern";
  }
  return found;
}

/** Checks one URL (the first, or a redirect's target) against the policy; returns how its host is listed. */
export function checkUrl(url: URL, patterns: readonly string[]): "literal" | "pattern" {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new WebFetchRefused(`only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "") throw new WebFetchRefused("URLs with a user name or password are not fetched");
  const listing = hostListing(url.hostname, patterns);
  if (listing === undefined) {
    const allowed = patterns.length === 0 ? "the task's network list is empty" : `the task's network list allows: ${patterns.join(", ")}`;
    throw new WebFetchRefused(`${url.hostname} is not on the task's network list (${allowed})`);
  }
  if (isIP(url.hostname) !== 0 && listing !== "literal" && isPrivateAddress(url.hostname)) {
    throw new WebFetchRefused(`${url.hostname} is a private or local address`);
  }
  return listing;
}

/**
 * A DNS lookup for one connection that refuses private addresses: the check is on the
 * address the socket connects to, so a second, different DNS answer cannot slip past it.
 */
export function guardedLookup(base: LookupFunction, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, "", 4);
      const addresses = Array.isArray(found) ? found : [{ address: found, family: isIP(found) }];
      const bad = allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (bad) return callback(new WebFetchRefused(`${hostname} resolves to ${bad.address}, a private or local address; list the host literally in network: to allow it`), "", 4);
      const first = addresses[0];
      if (!first) return callback(new WebFetchRefused(`${hostname} has no address`), "", 4);
      if (options.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}
