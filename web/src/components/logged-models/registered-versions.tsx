/** The registered model versions created from one logged model (`model_id` on the version). */
import type { ReactNode } from "react";
import type { ModelVersion } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { quoteFilterValue } from "../../lib/runs/run-fields";
import { useAsync } from "../../lib/use-async";
import { DataTable } from "../data-table";
import { Badge, ErrorBox, Loading } from "../status";

/** `h2 Registered versions` with a table linking each version to its model's page. */
export function RegisteredVersions({ modelId }: { modelId: string }): ReactNode {
  const versions = useAsync(
    () => mlflow.searchModelVersions({ filter: `model_id = ${quoteFilterValue(modelId)}`, max_results: 1000 }),
    [modelId],
  );
  const rows = versions.data?.model_versions ?? [];
  return (
    <section>
      <h2>Registered versions</h2>
      <ErrorBox error={versions.error} />
      <Loading when={versions.loading && !versions.data} />
      {versions.data ? (
        <DataTable<ModelVersion>
          label="Registered versions"
          rows={rows}
          rowKey={(v) => `${v.name}/${v.version}`}
          empty="Not registered: no model version was created from this logged model."
          columns={[
            {
              key: "model",
              header: "Model",
              cell: (v) => <a href={href(`/models/${encodeURIComponent(v.name)}`)}>{v.name}</a>,
              sort: (v) => v.name,
            },
            { key: "version", header: "Version", cell: (v) => `v${v.version}`, sort: (v) => Number(v.version) },
            { key: "stage", header: "Stage", cell: (v) => v.current_stage },
            {
              key: "aliases",
              header: "Aliases",
              cell: (v) =>
                (v.aliases ?? []).map((a) => (
                  <span key={a} style={{ marginRight: 6 }}>
                    <Badge tone={a === "champion" ? "ok" : "info"}>@{a}</Badge>
                  </span>
                )),
            },
            {
              key: "created",
              header: "Registered",
              cell: (v) => formatTime(v.creation_timestamp),
              sort: (v) => v.creation_timestamp,
            },
          ]}
        />
      ) : null}
    </section>
  );
}
