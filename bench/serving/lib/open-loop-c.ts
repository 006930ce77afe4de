/**
 * The precise open-loop generator (`open-loop.c`), compiled on first use with the system's C
 * compiler. Its timerfd schedule keeps its own lateness in microseconds, where Node's timers add
 * milliseconds at p99 — enough to decide a 5 ms p99 target on their own.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { libScript } from "./paths.js";

const run = promisify(execFile);

export interface PreciseResult {
  generator: string;
  target_rate: number;
  achieved_rate: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  latency_ms: { p50: number; p90: number; p99: number; p999: number; max: number };
  lateness_ms: { p50: number; p99: number; max: number };
}

/** The compiled generator's path, or undefined when there is no working C compiler. */
export async function buildPreciseGenerator(): Promise<string | undefined> {
  const source = libScript("open-loop.c");
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 12);
  const bin = join(tmpdir(), `modelworks-open-loop-${hash}`);
  if (existsSync(bin)) return bin;
  try {
    await run("cc", ["-O2", "-o", bin, source]);
    return bin;
  } catch {
    return undefined;
  }
}

/** POST `body` to `url` at `rate` req/s for `seconds` after `warmupS`, over `connections` keep-alive sockets. */
export async function runPrecise(
  bin: string,
  url: string,
  body: string,
  opts: { rate: number; seconds: number; warmupS: number; connections: number },
): Promise<PreciseResult> {
  const u = new URL(url);
  const bodyFile = join(tmpdir(), `modelworks-open-loop-body-${process.pid}.json`);
  writeFileSync(bodyFile, body);
  const { stdout } = await run(
    bin,
    [
      u.hostname,
      u.port,
      u.pathname,
      bodyFile,
      String(opts.rate),
      String(opts.seconds),
      String(opts.warmupS),
      String(opts.connections),
    ],
    { timeout: (opts.seconds + opts.warmupS + 60) * 1000 },
  );
  return JSON.parse(stdout) as PreciseResult;
}
