/** A Tags section: user tags in a table, MLflow's own `mlflow.*` tags behind a disclosure. */
import type { ReactNode } from "react";
import type { KeyValue } from "../../../../src/core/api/mlflow-entities";
import { KeyValueTable } from "./key-value-table";

/** `h2 Tags` with the user tags, and the `mlflow.*` ones under "System tags (N)". */
export function TagsSection({ tags }: { tags: KeyValue[] }): ReactNode {
  // MLflow's own bookkeeping tags are useful but noisy; they go behind a disclosure.
  const user = tags.filter((t) => !t.key.startsWith("mlflow."));
  const system = tags.filter((t) => t.key.startsWith("mlflow."));
  const cells = (t: KeyValue) => [
    t.key,
    <span key="v" className="mono">
      {t.value}
    </span>,
  ];
  return (
    <section>
      <h2>Tags</h2>
      <KeyValueTable
        label="Tags"
        rows={user}
        rowKey={(t) => t.key}
        headers={["Name", "Value"]}
        cells={cells}
        empty="No tags."
      />
      {system.length ? (
        <details>
          <summary>System tags ({system.length})</summary>
          <KeyValueTable
            label="System tags"
            rows={system}
            rowKey={(t) => t.key}
            headers={["Name", "Value"]}
            cells={cells}
            empty=""
          />
        </details>
      ) : null}
    </section>
  );
}
