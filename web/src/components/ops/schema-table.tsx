/** A dataset version's inferred schema: table-level settings and each column's checks. */
import type { ReactNode } from "react";
import type { DatasetSchema } from "../../lib/ops/profile-types";
import { describeCheck } from "../../lib/ops/profile-types";

const COLUMN_KEYS = new Set(["name", "type", "required"]);

/** Label, row-count bounds and per-column checks (presence, range, domain, unique, ...). */
export function SchemaTable({ schema }: { schema: DatasetSchema }): ReactNode {
  const table = Object.entries(schema).filter(([k]) => k !== "columns" && k !== "version");
  return (
    <>
      {table.length > 0 ? (
        <dl className="props">
          {table.map(([k, v]) => (
            <div key={k} style={{ display: "contents" }}>
              <dt>{k.replace(/_/g, " ")}</dt>
              <dd>{describeCheck(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <table className="data" aria-label="Schema">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
            <th>Required</th>
            <th>Checks</th>
          </tr>
        </thead>
        <tbody>
          {schema.columns.map((c) => (
            <tr key={c.name}>
              <td className="mono">{c.name}</td>
              <td>{c.type}</td>
              <td>{c.required ? "yes" : "no"}</td>
              <td>
                {Object.entries(c)
                  .filter(([k]) => !COLUMN_KEYS.has(k))
                  .map(([k, v]) => `${k}${describeCheck(v) === "yes" ? "" : `: ${describeCheck(v)}`}`)
                  .join(" · ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
