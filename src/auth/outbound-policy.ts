/**
 * The admin's outbound policy: which URLs the platform may call because a user configured them
 * (rollout webhooks, notifications and Prometheus; monitor and pipeline notifications; remote model
 * endpoints, checked when a version is registered and when it is loaded).
 *
 * - Only http and https.
 * - The URL's host must match an entry of the allow-list; the default, empty list allows nothing.
 *   Entries: `host` (that name, any port), `host:port`, `*.domain` (names under the domain, not the
 *   domain itself), an IP (`10.0.0.5`, `fd00::1`, `[fd00::1]:8080`), a CIDR range (`10.0.0.0/8`),
 *   or `*` (any host).
 * - Loopback, private, link-local and other non-public addresses (outbound-address.ts) are refused
 *   unless listed: by an IP or CIDR entry covering the address, or by an entry naming the host
 *   exactly. That holds for an IP in the URL however it is spelt (`2130706433`, `[::ffff:7f00:1]`)
 *   and, at call time, for every address the host name resolves to (so DNS cannot point a listed
 *   `*.domain` or `*` at an internal address); `localhost` and `*.localhost` count as loopback.
 * - Redirects are not followed (core/http/outbound-request.ts).
 */
import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIPv6 } from "node:net";
import { invalidParam } from "../core/errors.js";
import type { OutboundGuard } from "../core/http/outbound-request.js";
import { OutboundError } from "../core/http/outbound-request.js";
import type { IpAddress, IpRange } from "./outbound-address.js";
import { inRange, parseIp, parseRange, specialKind } from "./outbound-address.js";

/** Where admins set the list (named in every refusal). */
export const OUTBOUND_FLAG = "--allow-outbound";
export const OUTBOUND_ENV = "MODELWORKS_OUTBOUND_ALLOW";

type Entry =
  | { kind: "any" }
  | { kind: "name"; host: string; port?: number }
  | { kind: "domain"; domain: string; port?: number }
  | { kind: "range"; range: IpRange; port?: number };

/** Resolves a host name to every address (tests inject their own). */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** An allow-list of outbound hosts; `check` at configuration time, `resolve` at call time. */
export class OutboundPolicy implements OutboundGuard {
  private constructor(
    /** The entries as given (trimmed), for messages and `--help`. */
    readonly entries: readonly string[],
    private readonly parsed: readonly Entry[],
    private readonly lookup: HostLookup,
  ) {}

  /** A policy from entries (each may itself be a comma-separated list); invalidParam naming a bad entry. */
  static parse(entries: readonly string[], options: { lookup?: HostLookup } = {}): OutboundPolicy {
    const texts = entries
      .flatMap((e) => e.split(","))
      .map((e) => e.trim())
      .filter((e) => e !== "");
    return new OutboundPolicy(texts, texts.map(parseEntry), options.lookup ?? defaultLookup);
  }

  /** The default: no outbound call is allowed. */
  static none(): OutboundPolicy {
    return OutboundPolicy.parse([]);
  }

  /** Why `url` may not be called, or undefined; no DNS. Messages name the host, never the URL. */
  check(url: string): string | undefined {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return "not a valid URL";
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      return `only http and https URLs are allowed, got '${u.protocol}'`;
    }
    const host = hostOf(u);
    if (host === "") return "the URL has no host";
    const match = this.match(host, portOf(u));
    if (!match) return `host '${u.host}' is not in the outbound allow-list; ${allowHint(u.host)}`;
    if (match.explicit) return undefined;
    const ip = parseIp(host);
    const kind = ip ? specialKind(ip) : isLocalhost(host) ? "loopback" : undefined;
    if (kind) return `${u.host} is not a public address (${kind}), refused unless listed; ${allowHint(host)}`;
    return undefined;
  }

  /** invalidParam naming `field` when `url` may not be called (for settings that store a URL). */
  assertAllowed(field: string, url: string): void {
    const problem = this.check(url);
    if (problem) throw invalidParam(`Invalid value for '${field}': ${problem}.`);
  }

  /**
   * The addresses `url`'s host may be reached at: resolved now, each checked (a name matched only
   * by `*` or `*.domain` must not resolve to a non-public address that is not listed).
   */
  async resolve(url: URL): Promise<LookupAddress[]> {
    const problem = this.check(url.href);
    if (problem) throw new OutboundError("refused", problem);
    const host = hostOf(url);
    if (parseIp(host)) return [{ address: host, family: isIPv6(host) ? 6 : 4 }];
    let all: LookupAddress[];
    try {
      all = await this.lookup(host);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new OutboundError("failed", `cannot resolve ${host}${code ? ` (${code})` : ""}`);
    }
    if (this.match(host, portOf(url))?.explicit) return all;
    for (const a of all) {
      const ip = parseIp(a.address);
      const kind = ip ? specialKind(ip) : "unparsable";
      if (kind && !(ip && this.listsAddress(ip, portOf(url)))) {
        throw new OutboundError(
          "refused",
          `${host} resolves to ${a.address}, not a public address (${kind}), refused unless listed; ${allowHint(a.address)} (or the exact host name)`,
        );
      }
    }
    return all;
  }

  /** The entry `host` matches; explicit when an entry names it (or its IP range covers it). */
  private match(host: string, port: number): { explicit: boolean } | undefined {
    const ip = parseIp(host);
    let general = false;
    for (const e of this.parsed) {
      if (e.kind !== "any" && e.port !== undefined && e.port !== port) continue;
      if (e.kind === "any") general = true;
      else if (ip && e.kind === "range" && inRange(ip, e.range)) return { explicit: true };
      else if (!ip && e.kind === "name" && e.host === host) return { explicit: true };
      else if (!ip && e.kind === "domain" && host.endsWith(`.${e.domain}`)) general = true;
    }
    return general ? { explicit: false } : undefined;
  }

  private listsAddress(ip: IpAddress, port: number): boolean {
    return this.parsed.some(
      (e) => e.kind === "range" && (e.port === undefined || e.port === port) && inRange(ip, e.range),
    );
  }
}

/** How an admin allows a host, for refusals. */
function allowHint(target: string): string {
  return `an admin allows it with ${OUTBOUND_FLAG} ${target} (or ${OUTBOUND_ENV}) on the server or command that calls it`;
}

/** The URL's host name as compared: brackets and a trailing dot removed. */
function hostOf(u: URL): string {
  return u.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

function portOf(u: URL): number {
  return u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
}

/** RFC 6761: `localhost` and names under it are loopback whatever DNS says. */
function isLocalhost(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

const ENTRY_SHAPE = "expected host, host:port, *.domain, an IP, a CIDR range such as 10.0.0.0/8, or *";

function parseEntry(text: string): Entry {
  const bad = () => invalidParam(`Invalid outbound allow-list entry '${text}' (${OUTBOUND_FLAG}): ${ENTRY_SHAPE}.`);
  const t = text.toLowerCase();
  if (t === "*") return { kind: "any" };
  if (t.includes("/") || isIPv6(t)) {
    const range = parseRange(t);
    if (!range) throw bad();
    return { kind: "range", range };
  }
  const m = t.match(/^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/);
  if (!m) throw bad();
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw bad();
  const withPort = <E extends Entry>(e: E): E => (port === undefined ? e : { ...e, port });
  const hostText = m[1] as string;
  const wildcard = hostText.startsWith("*.");
  const host = canonicalHost(wildcard ? hostText.slice(2) : hostText);
  if (host === undefined) throw bad();
  const range = parseRange(host);
  if (range) {
    if (wildcard) throw bad();
    return withPort({ kind: "range", range });
  }
  return withPort(wildcard ? { kind: "domain", domain: host } : { kind: "name", host });
}

/** The host as URLs spell it (lower case, punycode, IPv4 in dotted decimal), or undefined. */
function canonicalHost(text: string): string | undefined {
  try {
    const h = hostOf(new URL(`http://${text}/`));
    return /^[a-z0-9._-]+$/.test(h) || parseIp(h) ? h : undefined;
  } catch {
    return undefined;
  }
}
