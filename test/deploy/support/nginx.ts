/**
 * Real nginx for tests: the example config of deploy/nginx rendered for loopback addresses, run
 * in the foreground with its pid, logs and temp files in a folder of the test's own.
 */
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const NGINX = "/usr/sbin/nginx";

/**
 * `conf` with every `listen` on 127.0.0.1:`port` and each named upstream's servers replaced by
 * `upstreams[name]` (keeping the example's server parameters). Throws when the example no longer
 * has what the test relies on, so a changed example cannot silently go untested.
 */
export function renderNginxConf(conf: string, port: number, upstreams: Record<string, string[]>): string {
  if (!/^\s*listen\s+80;/m.test(conf)) throw new Error("the example has no 'listen 80;'");
  let out = conf.replace(/^(\s*)listen\s+80;/gm, `$1listen 127.0.0.1:${port};`);
  for (const [name, addresses] of Object.entries(upstreams)) {
    const block = new RegExp(`(upstream ${name} \\{\\n)((?:\\s*server [^;]+;\\n)+)`);
    const m = block.exec(out);
    if (!m) throw new Error(`the example has no upstream '${name}' with server lines`);
    const params = /server \S+ ([^;]*);/.exec(m[2] as string)?.[1] ?? "";
    const servers = addresses.map((a) => `    server ${a} ${params};\n`).join("");
    out = out.replace(block, `$1${servers}`);
  }
  return out;
}

/** A loopback port free right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const addr = s.address();
  s.close();
  await once(s, "close");
  if (!addr || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

export interface RunningNginx {
  proc: ChildProcess;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Write `site` (an http-context file) into `dir`, check it with `nginx -t`, run nginx until it answers on `port`. */
export async function startNginx(dir: string, site: string, port: number): Promise<RunningNginx> {
  for (const d of ["logs", "temp"]) mkdirSync(join(dir, d), { recursive: true });
  const sitePath = join(dir, "modelworks.conf");
  writeFileSync(sitePath, site);
  const temp = (name: string) => `${name}_temp_path ${join(dir, "temp", name)};`;
  // One process, in the foreground: no worker user to switch to, nothing left behind.
  const main = [
    "daemon off;",
    "master_process off;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "logs/error.log")} info;`,
    "events { worker_connections 256; }",
    "http {",
    `  access_log ${join(dir, "logs/access.log")};`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${temp(t)}`),
    `  include ${sitePath};`,
    "}",
  ].join("\n");
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, main);
  const args = ["-p", dir, "-e", join(dir, "logs/error.log"), "-c", conf];
  const check = spawnSync(NGINX, [...args, "-t"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const proc = spawn(NGINX, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const errorLog = () => {
    const file = join(dir, "logs/error.log");
    return (existsSync(file) ? readFileSync(file, "utf8") : "") + stderr;
  };
  while (!(await answers(port))) {
    if (proc.exitCode !== null) throw new Error(`nginx exited ${proc.exitCode}: ${errorLog()}`);
    await sleep(50);
  }
  return {
    proc,
    errorLog,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const r = request({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(true));
    });
    r.on("error", () => resolve(false));
    r.end();
  });
}

/** One answer: status, headers, body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to 127.0.0.1:`port` naming `host` in its Host header (which `fetch` cannot set). */
export function send(
  port: number,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string | number> = { ...headers, host };
    if (body !== undefined) all["content-length"] = Buffer.byteLength(body);
    const r = request({ host: "127.0.0.1", port, method, path, headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(body);
  });
}
