/**
 * `--log-format text|json` of the long-running commands: their log lines (stderr) as they are, or as
 * one JSON object per line for log shippers: {"time", "level", "message"}.
 */
import type { CliIo } from "./cli-context.js";
import { CliError } from "./cli-context.js";

export const LOG_FORMAT_FLAGS = { "log-format": { type: "string" } } as const;

export const LOG_FORMAT_HELP =
  "  --log-format text|json   log lines as text (default) or one JSON object each (log shippers)";

/** The level a log line announces (`warning: ...`, `error 503 ...`), info otherwise. */
function levelOf(line: string): "error" | "warn" | "info" {
  if (/^error\b/i.test(line)) return "error";
  if (/^warning\b/i.test(line)) return "warn";
  return "info";
}

/** `io` whose `err` writes in the chosen format. */
export function withLogFormat(io: CliIo, format: string | undefined, now: () => Date = () => new Date()): CliIo {
  if (format === undefined || format === "text") return io;
  if (format !== "json") throw new CliError(`--log-format must be text or json, got '${format}'`);
  return {
    ...io,
    err: (line) => io.err(JSON.stringify({ time: now().toISOString(), level: levelOf(line), message: line })),
  };
}
