/** One server page of runs: sortable headers (server-side order_by), selection, parent/child nesting. */
import type { ReactNode } from "react";
import { useMemo } from "react";
import type { Run } from "../../../../src/core/api/mlflow-entities";
import { formatDuration, formatNumber, formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { kvMap, metricMap, runName } from "../../lib/runs/run-fields";
import type { RunRow } from "../../lib/runs/run-tree";
import { ScrollBox } from "../scroll-box";
import { Badge } from "../status";

export interface RunsTableProps {
  rows: RunRow[];
  /** Extra columns (`metrics.x`, `params.y`, `tags.z`). */
  columns: string[];
  orderKey: string;
  desc: boolean;
  onSort: (key: string) => void;
  selected: ReadonlySet<string>;
  onSelect: (runId: string, on: boolean) => void;
  collapsed: ReadonlySet<string>;
  onToggle: (runId: string) => void;
}

const STATUS_TONE = { FINISHED: "ok", FAILED: "bad", KILLED: "warn", RUNNING: "info", SCHEDULED: "info" } as const;

/** The runs table (`aria-label="Runs"`, rows `tr[data-run-id]`). */
export function RunsTable(props: RunsTableProps): ReactNode {
  const { rows, columns, orderKey, desc, onSort, selected, onSelect, collapsed, onToggle } = props;
  // Maps once per run, so 50 rows × 30 columns never scan thousands of metrics per cell.
  const values = useMemo(() => new Map(rows.map((r) => [r.run.info.run_id, cellValues(r.run)])), [rows]);
  const header = (key: string, label: ReactNode, right?: boolean) => (
    <th
      key={key}
      className={right ? "right" : undefined}
      aria-sort={orderKey === key ? (desc ? "descending" : "ascending") : undefined}
    >
      <button type="button" className="link" onClick={() => onSort(key)} title={`Sort by ${key}`}>
        {label}
        {orderKey === key ? (desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
  return (
    <ScrollBox label="Runs table, scrolls sideways">
      <table className="data" aria-label="Runs">
        <thead>
          <tr>
            <th>
              <span className="muted">Select</span>
            </th>
            {header("attributes.run_name", "Run")}
            {header("attributes.status", "Status")}
            {header("attributes.start_time", "Started")}
            <th>Duration</th>
            {columns.map((c) => header(c, <ColumnLabel column={c} />, c.startsWith("metrics.")))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const { run } = row;
            const id = run.info.run_id;
            const name = runName(run);
            const v = values.get(id);
            const end = run.info.end_time;
            const start = run.info.start_time;
            return (
              <tr key={id} data-run-id={id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select run ${name}`}
                    checked={selected.has(id)}
                    onChange={(e) => onSelect(id, e.target.checked)}
                  />
                </td>
                <td style={{ paddingLeft: 8 + row.depth * 22, whiteSpace: "nowrap" }}>
                  {row.childCount > 0 ? (
                    <button
                      type="button"
                      className="link"
                      aria-expanded={!collapsed.has(id)}
                      aria-label={`${collapsed.has(id) ? "Expand" : "Collapse"} child runs of ${name}`}
                      onClick={() => onToggle(id)}
                      style={{ width: 18 }}
                    >
                      {collapsed.has(id) ? "▸" : "▾"}
                    </button>
                  ) : (
                    <span style={{ display: "inline-block", width: 18 }} aria-hidden="true">
                      {row.depth > 0 ? "↳" : ""}
                    </span>
                  )}{" "}
                  <a href={href(`/runs/${id}`)}>{name}</a>
                  {row.childCount > 0 ? <span className="muted"> ({row.childCount})</span> : null}
                  {row.offPageParent ? (
                    <>
                      {" "}
                      <a className="muted" href={href(`/runs/${row.offPageParent}`)} title="Parent run">
                        (parent)
                      </a>
                    </>
                  ) : null}
                </td>
                <td>
                  <Badge tone={STATUS_TONE[run.info.status]}>{run.info.status}</Badge>
                </td>
                <td style={{ whiteSpace: "nowrap" }}>{formatTime(start)}</td>
                <td>{start && end ? formatDuration(end - start) : ""}</td>
                {columns.map((c) => {
                  const x = v?.get(c);
                  return (
                    <td key={c} className={c.startsWith("metrics.") ? "right" : undefined}>
                      {typeof x === "number" ? formatNumber(x) : x}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}

function ColumnLabel({ column }: { column: string }): ReactNode {
  const dot = column.indexOf(".");
  return (
    <>
      <span className="muted">{column.slice(0, dot)}.</span>
      {column.slice(dot + 1)}
    </>
  );
}

function cellValues(run: Run): Map<string, string | number> {
  const out = new Map<string, string | number>();
  for (const [k, v] of Object.entries(metricMap(run))) out.set(`metrics.${k}`, v);
  for (const [k, v] of Object.entries(kvMap(run.data.params))) out.set(`params.${k}`, v);
  for (const [k, v] of Object.entries(kvMap(run.data.tags))) out.set(`tags.${k}`, v);
  return out;
}
