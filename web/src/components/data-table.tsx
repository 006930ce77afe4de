/** A sortable table for modest lists (models, versions, deployments); the runs table pages on the server. */
import type { ReactNode } from "react";
import { useMemo, useState } from "react";

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Sort value; a column without one is not sortable. */
  sort?: (row: T) => number | string | undefined;
  align?: "right";
}

/** Rows with clickable headers that sort ascending then descending. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  empty,
  label,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  label?: string;
}): ReactNode {
  const [sortKey, setSortKey] = useState<string>();
  const [desc, setDesc] = useState(false);
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sortKey);
    if (!col?.sort) return rows;
    const f = col.sort;
    return [...rows].sort((a, b) => {
      const x = f(a);
      const y = f(b);
      if (x === y) return 0;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * (desc ? -1 : 1);
    });
  }, [rows, columns, sortKey, desc]);
  if (rows.length === 0 && empty) return <p className="muted empty">{empty}</p>;
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th
              key={c.key}
              className={c.align}
              aria-sort={sortKey === c.key ? (desc ? "descending" : "ascending") : undefined}
            >
              {c.sort ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    if (sortKey === c.key) setDesc(!desc);
                    else {
                      setSortKey(c.key);
                      setDesc(false);
                    }
                  }}
                >
                  {c.header}
                  {sortKey === c.key ? (desc ? " ▼" : " ▲") : ""}
                </button>
              ) : (
                c.header
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={rowKey(r)}>
            {columns.map((c) => (
              <td key={c.key} className={c.align}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
