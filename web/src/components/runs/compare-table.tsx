/** Keys down, runs across: one row per param or metric, rows whose values differ marked `diff`. */
import type { ReactNode } from "react";
import { formatNumber } from "../../lib/format";
import { ScrollBox } from "../scroll-box";

/** Thousands of metric keys must not become thousands of rows at once; the key filter finds the rest. */
const MAX_ROWS = 500;

/** The key column stays put while the runs scroll sideways (ten runs are wider than the page). */
const stickyKey = { position: "sticky", left: 0, zIndex: 1, boxShadow: "1px 0 0 var(--line)" } as const;
/** Long values (paths, JSON) are cut; the full value is in the cell's title. */
const cell = { maxWidth: "18em", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" } as const;

export interface CompareTableProps {
  label: string;
  runs: { id: string; label: string }[];
  /** Per run (same order as `runs`): key → value. */
  values: Record<string, string | number>[];
  onlyDiffs: boolean;
  keyFilter: string;
}

/** True when not every run has the same value (a missing value counts as different). */
export function differs(values: Record<string, string | number>[], key: string): boolean {
  const first = values[0]?.[key];
  return values.some((v) => v[key] !== first || !(key in v));
}

/** `table[aria-label=label]` with `tr[data-key]`. */
export function CompareTable({ label, runs, values, onlyDiffs, keyFilter }: CompareTableProps): ReactNode {
  const keys = new Set<string>();
  for (const v of values) for (const k of Object.keys(v)) keys.add(k);
  const f = keyFilter.trim().toLowerCase();
  const rows = [...keys]
    .sort()
    .filter((k) => !f || k.toLowerCase().includes(f))
    .map((k) => ({ key: k, diff: differs(values, k) }))
    .filter((r) => !onlyDiffs || r.diff);
  if (keys.size === 0) return <p className="muted">None logged.</p>;
  return (
    <>
      <ScrollBox label={`${label}, scrolls sideways`}>
        <table className="data" aria-label={label}>
          <thead>
            <tr>
              <th scope="col" style={{ ...stickyKey, zIndex: 2 }}>
                Key
              </th>
              {runs.map((r) => (
                <th key={r.id} scope="col" style={cell} title={r.label}>
                  {r.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((r) => (
              <tr key={r.key} data-key={r.key} className={r.diff ? "diff" : undefined}>
                <th
                  scope="row"
                  title={r.key}
                  style={{ ...stickyKey, ...cell, fontWeight: 500, background: r.diff ? "#fffbeb" : "var(--bg)" }}
                >
                  {r.key}
                </th>
                {values.map((v, i) => {
                  const x = v[r.key];
                  return (
                    <td
                      key={runs[i]?.id ?? i}
                      className={typeof x === "number" ? "right" : undefined}
                      title={x === undefined ? undefined : String(x)}
                      style={cell}
                    >
                      {x === undefined ? <span className="muted">—</span> : typeof x === "number" ? formatNumber(x) : x}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      {rows.length === 0 ? <p className="muted">No {onlyDiffs ? "differing " : ""}keys.</p> : null}
      {rows.length > MAX_ROWS ? (
        <p className="muted">
          Showing {MAX_ROWS} of {rows.length} keys; filter the keys to find the rest.
        </p>
      ) : null}
    </>
  );
}
