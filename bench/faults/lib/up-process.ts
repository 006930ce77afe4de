/**
 * `modelworks up` in a child process, started as test/http/support/server-process.ts starts servers
 * (`node --import tsx src/cli/entry.ts ... --port 0 --json`). Its stderr goes to a file, never to a
 * pipe: a process writing its log to a pipe blocks when the reader falls behind (Node writes pipes
 * synchronously), and a loaded load generator must not be able to freeze the server it measures.
 * The file is tailed every 200 ms, so each log line gets an arrival time.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { createInterface } from "node:readline";
import { stopChild } from "../../lib/child-process.js";
import { killOnExit } from "../../serving/lib/child-server.js";
import { REPO_ROOT } from "../../serving/lib/paths.js";
import { readRssMiB } from "../../serving/lib/proc-memory.js";

/** A log line of the server and when the tail saw it (performance.now(), ±200 ms). */
export interface LogLine {
  at: number;
  text: string;
}

export interface UpProcess {
  url: string;
  pid: number;
  /** Where its stderr goes. */
  logFile: string;
  /** Why it ended (exit code or signal) when it ended without {@link stop}; undefined while running. */
  exited(): string | undefined;
  /** Every stderr line so far (the first 50,000). */
  log: LogLine[];
  /** Read the log file's new lines now (the tail otherwise reads every 200 ms). */
  flushLog(): void;
  rssMiB(): number;
  /** SIGTERM (SIGKILL after 10 s); resolves to how it ended. */
  stop(): Promise<string>;
}

const MAX_LINES = 50_000;

/** Follow `path` as it grows; `flush` reads what is left. */
function tailFile(path: string, onLine: (text: string) => void): { flush(): void; stop(): void } {
  const fd = openSync(path, "r");
  let offset = 0;
  let partial = "";
  const buf = Buffer.alloc(1 << 16);
  const flush = () => {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n <= 0) return;
      offset += n;
      const lines = (partial + buf.toString("utf8", 0, n)).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    }
  };
  const timer = setInterval(flush, 200);
  return {
    flush,
    stop: () => {
      clearInterval(timer);
      flush();
      if (partial) onLine(partial);
      closeSync(fd);
    },
  };
}

/** Start `up ARGS --host 127.0.0.1 --port 0 --json` (stderr to `logFile`) and wait for its `{"url"...}` line. */
export async function startUp(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs = 120_000,
): Promise<UpProcess> {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ["MODELWORKS_HOME", "MODELWORKS_STORE_URI", "MODELWORKS_ARTIFACTS_URI", "MODELWORKS_TRACKING_URI"])
    if (!(k in env)) delete clean[k];
  const errFd = openSync(logFile, "w");
  const [command, ...prefix] = asServiceUser([process.execPath]);
  const child = spawn(
    command as string,
    [...prefix, "--import", "tsx", "src/cli/entry.ts", "up", ...args, "--host", "127.0.0.1", "--port", "0", "--json"],
    { cwd: REPO_ROOT, env: clean, stdio: ["ignore", "pipe", errFd] },
  );
  closeSync(errFd);
  killOnExit(child);
  const log: LogLine[] = [];
  const tail = tailFile(logFile, (text) => {
    if (log.length < MAX_LINES) log.push({ at: performance.now(), text });
  });
  let stopping = false;
  let exit: string | undefined;
  const ended = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => {
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (!stopping) exit = how;
      tail.flush();
      resolve(how);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`up not ready in ${timeoutMs} ms:\n${lastLines(log)}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      clearTimeout(timer);
      lines.removeAllListeners("line");
      // Keep draining stdout so the pipe never fills.
      lines.on("line", () => {});
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void ended.then((how) => {
      clearTimeout(timer);
      reject(new Error(`up ended before listening (${how}):\n${lastLines(log)}`));
    });
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    logFile,
    exited: () => exit,
    log,
    flushLog: () => tail.flush(),
    rssMiB: () => (exit === undefined ? readRssMiB(pid) : Number.NaN),
    stop: async () => {
      stopping = exit === undefined;
      await stopChild(child);
      const how = await ended;
      tail.stop();
      return how;
    },
  };
}

/**
 * As root, the command runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (util-linux `setpriv`
 * drops them from the bounding set before exec, same pid): file permissions then apply to `up` as
 * to a service user, so a read-only artifact folder is a permission error and not ignored.
 */
export function asServiceUser(command: readonly string[]): string[] {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv")) return [...command];
  return ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search", ...command];
}

/** The last lines of a log, for error messages. */
export function lastLines(log: readonly LogLine[], n = 20): string {
  return log
    .slice(-n)
    .map((l) => l.text)
    .join("\n");
}
