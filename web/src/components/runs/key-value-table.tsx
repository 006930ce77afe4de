/** A two-or-more column table of keys (params, metrics, tags) with a filter box once the list is long. */
import type { ReactNode } from "react";
import { useState } from "react";

/** Thousands of metric keys must not become thousands of rows at once. */
const MAX_ROWS = 500;
/** Below this many keys a filter box would only be clutter. */
const FILTER_FROM = 30;

export interface KeyValueTableProps<T> {
  label: string;
  rows: T[];
  rowKey: (row: T) => string;
  headers: string[];
  cells: (row: T) => ReactNode[];
  empty: string;
}

/** `table[aria-label=label]` with `tr[data-key]`, capped at MAX_ROWS rows. */
export function KeyValueTable<T>({ label, rows, rowKey, headers, cells, empty }: KeyValueTableProps<T>): ReactNode {
  const [filter, setFilter] = useState("");
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  const f = filter.trim().toLowerCase();
  const shown = f ? rows.filter((r) => rowKey(r).toLowerCase().includes(f)) : rows;
  return (
    <>
      {rows.length >= FILTER_FROM ? (
        <div className="toolbar">
          <input
            aria-label={`Filter ${label.toLowerCase()}`}
            placeholder={`Filter ${rows.length} keys`}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      ) : null}
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, MAX_ROWS).map((r) => (
            <tr key={rowKey(r)} data-key={rowKey(r)}>
              {cells(r).map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional columns.
                <td key={i} style={{ wordBreak: "break-word" }}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > MAX_ROWS ? (
        <p className="muted">
          Showing {MAX_ROWS} of {shown.length} keys; filter to find the rest.
        </p>
      ) : null}
    </>
  );
}
