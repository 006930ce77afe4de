/** Debian's wrk: a Lua script that POSTs a JSON body, a runner, and a parser for `--latency` output. */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  seconds: number;
  latencyMs: { avg: number; max: number; p50: number; p75: number; p90: number; p99: number };
  /** "Non-2xx or 3xx responses" (absent from wrk's output when 0). */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

export interface WrkOptions {
  threads: number;
  connections: number;
  durationS: number;
  /** Path of the Lua script from {@link writePostLua}. */
  script: string;
}

/** Write a wrk script POSTing `body` as JSON (with `authorization`, if any) to the URL; returns its path. */
export function writePostLua(dir: string, body: string, authorization?: string, name = "post.lua"): string {
  if (body.includes("]==]")) throw new Error("body cannot be embedded in a Lua long string");
  if (authorization && !/^[\w ./+=-]+$/.test(authorization)) throw new Error("unexpected characters in the token");
  const path = join(dir, name);
  const auth = authorization ? [`wrk.headers["Authorization"] = "${authorization}"`] : [];
  // A static request (no request() function) lets wrk build it once: its own CPU use stays minimal.
  writeFileSync(
    path,
    [
      'wrk.method = "POST"',
      'wrk.headers["Content-Type"] = "application/json"',
      ...auth,
      `wrk.body = [==[${body}]==]`,
      "",
    ].join("\n"),
  );
  return path;
}

/** Run `wrk -tT -cC -dDs --latency -s SCRIPT URL` and parse its report. */
export async function runWrk(url: string, o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, "--latency", "-s", o.script, url];
  let stdout: string;
  try {
    ({ stdout } = await run("wrk", args, { maxBuffer: 1 << 20 }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") throw new Error("wrk not found: apt-get install -y --no-install-recommends wrk");
    throw e;
  }
  return parseWrk(stdout);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A wrk duration such as `950.00us`, `1.30ms`, `10.00s`, `1.00m`, in milliseconds. */
export function wrkTimeMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a wrk duration: '${text}'`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Parse wrk's report (with `--latency`). */
export function parseWrk(text: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text);
    if (!m) throw new Error(`wrk output has no ${what}:\n${text}`);
    return m;
  };
  const lat = need(/^\s*Latency\s+(\S+)\s+\S+\s+(\S+)/m, "latency line");
  const pct = (p: number) => wrkTimeMs(need(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m"), `${p}% line`)[1] as string);
  const total = need(/^\s*(\d+) requests in ([\d.]+\w+),/m, "request count");
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requestsPerSecond: Number(need(/^Requests\/sec:\s+([\d.]+)/m, "Requests/sec")[1]),
    requests: Number(total[1]),
    seconds: wrkTimeMs(total[2] as string) / 1000,
    latencyMs: {
      avg: wrkTimeMs(lat[1] as string),
      max: wrkTimeMs(lat[2] as string),
      p50: pct(50),
      p75: pct(75),
      p90: pct(90),
      p99: pct(99),
    },
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: {
      connect: Number(sock?.[1] ?? 0),
      read: Number(sock?.[2] ?? 0),
      write: Number(sock?.[3] ?? 0),
      timeout: Number(sock?.[4] ?? 0),
    },
  };
}
