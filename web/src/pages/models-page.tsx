/** Models: registered models with their latest versions and aliases. */
import type { ReactNode } from "react";
import type { RegisteredModel } from "../../../src/core/api/mlflow-entities";
import { DataTable } from "../components/data-table";
import { Badge, ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { formatTime } from "../lib/format";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** The registry list (`#/models`). */
export function ModelsPage(): ReactNode {
  const { data, error, loading } = useAsync(
    () => mlflow.searchRegisteredModels({ max_results: 1000, order_by: ["name ASC"] }),
    [],
  );
  const link = (m: RegisteredModel) => href(`/models/${encodeURIComponent(m.name)}`);
  return (
    <>
      <h1>Models</h1>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <DataTable<RegisteredModel>
          label="Models"
          rows={data.registered_models ?? []}
          rowKey={(m) => m.name}
          empty="No registered models yet: `modelworks train --register NAME` registers one."
          columns={[
            { key: "name", header: "Name", cell: (m) => <a href={link(m)}>{m.name}</a>, sort: (m) => m.name },
            {
              key: "latest",
              header: "Latest version",
              cell: (m) => {
                const v = latest(m);
                return v ? `v${v}` : "";
              },
              sort: (m) => Number(latest(m) ?? 0),
              align: "right",
            },
            {
              key: "aliases",
              header: "Aliases",
              cell: (m) =>
                [...(m.aliases ?? [])]
                  .sort((a, b) => a.alias.localeCompare(b.alias))
                  .map((a) => (
                    <span key={a.alias} style={{ marginRight: 6 }}>
                      <Badge tone={a.alias === "champion" ? "ok" : "info"}>
                        @{a.alias} → v{a.version}
                      </Badge>
                    </span>
                  )),
            },
            { key: "description", header: "Description", cell: (m) => m.description ?? "" },
            {
              key: "updated",
              header: "Updated",
              cell: (m) => formatTime(m.last_updated_timestamp),
              sort: (m) => m.last_updated_timestamp,
            },
          ]}
        />
      ) : null}
    </>
  );
}

function latest(m: RegisteredModel): string | undefined {
  const vs = (m.latest_versions ?? []).map((v) => Number(v.version));
  return vs.length ? String(Math.max(...vs)) : undefined;
}
