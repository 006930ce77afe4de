/**
 * The warnings of a long-running process's background loops (deployment sync and polls, prediction
 * log flushes, rollouts, monitors). During an outage each loop fails the same way on every tick:
 * a warning is said once per 10 s with how many like it were left out (lines differing only in
 * numbers count as the same), and secrets are redacted.
 */
import { redactSecrets } from "../../auth/redact.js";
import type { LogLine } from "../../core/logging/repeat-limited-log.js";
import { repeatLimitedLog } from "../../core/logging/repeat-limited-log.js";
import type { CliIo } from "../cli-context.js";

/** A `warning: ...` writer on `io.err`; `now` is for tests. */
export function processWarnings(io: Pick<CliIo, "err">, now?: () => number): LogLine {
  const say = repeatLimitedLog((m) => io.err(`warning: ${m}`), {
    key: (m) => m.replace(/\d+/g, "#"),
    ...(now ? { now } : {}),
  });
  return (m) => say(redactSecrets(m));
}
