/**
 * A log that says each distinct line once per window: repeats inside it are counted and reported
 * with the next line of that kind ("(and 23 more like it)"), so an outage does not flood the log.
 */

export type LogLine = (line: string) => void;

/** Wrap `log`; `key` picks what counts as the same line (default: the line itself). */
export function repeatLimitedLog(
  log: LogLine,
  o: { windowMs?: number; key?: (line: string) => string; now?: () => number } = {},
): LogLine {
  const windowMs = o.windowMs ?? 10_000;
  const now = o.now ?? Date.now;
  const seen = new Map<string, { since: number; suppressed: number }>();
  return (line) => {
    const k = o.key ? o.key(line) : line;
    const t = now();
    const entry = seen.get(k);
    if (entry && t - entry.since < windowMs) {
      entry.suppressed++;
      return;
    }
    const more = entry?.suppressed
      ? ` (and ${entry.suppressed} more like it in the last ${Math.round((t - entry.since) / 1000)} s)`
      : "";
    seen.set(k, { since: t, suppressed: 0 });
    if (seen.size > 1000) seen.delete(seen.keys().next().value as string);
    log(line + more);
  };
}
