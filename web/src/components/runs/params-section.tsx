/** A Parameters section: name and value of each logged parameter (runs and logged models alike). */
import type { ReactNode } from "react";
import type { KeyValue } from "../../../../src/core/api/mlflow-entities";
import { KeyValueTable } from "./key-value-table";

/** `h2 Parameters` with one row per parameter, in the order logged. */
export function ParamsSection({ params }: { params: KeyValue[] }): ReactNode {
  return (
    <section>
      <h2>Parameters</h2>
      <KeyValueTable
        label="Parameters"
        rows={params}
        rowKey={(p) => p.key}
        headers={["Name", "Value"]}
        cells={(p) => [
          p.key,
          <span key="v" className="mono">
            {p.value}
          </span>,
        ]}
        empty="No parameters logged."
      />
    </section>
  );
}
