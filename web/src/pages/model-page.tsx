/** One registered model: versions, aliases (set, move, delete with confirmation) and lineage. */
import type { ReactNode } from "react";
import { useState } from "react";
import type { ModelVersion } from "../../../src/core/api/mlflow-entities";
import { DataTable } from "../components/data-table";
import { AliasEditor } from "../components/ops/alias-editor";
import { LineageView } from "../components/ops/lineage-view";
import { Badge, ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { formatTime } from "../lib/format";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** `#/models/:name`. */
export function ModelPage({ name }: { name: string }): ReactNode {
  const state = useAsync(async () => {
    const filter = `name = '${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    const [model, versions] = await Promise.all([
      mlflow.getRegisteredModel({ name }),
      mlflow.searchModelVersions({ filter, max_results: 1000 }),
    ]);
    const list = [...(versions.model_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version));
    return { model: model.registered_model, versions: list };
  }, [name]);
  const [picked, setPicked] = useState<string>();
  const data = state.data;
  const aliases = data?.model.aliases ?? [];
  const aliasesOf = (v: string) => aliases.filter((a) => a.version === v).map((a) => a.alias);
  // Default lineage: the champion when there is one, else the newest version.
  const lineageVersion =
    picked ?? aliases.find((a) => a.alias === "champion")?.version ?? data?.versions[0]?.version ?? "";
  const selected = data?.versions.find((v) => v.version === lineageVersion);
  return (
    <>
      <p className="muted" style={{ margin: "0 0 4px" }}>
        <a href={href("/models")}>Models</a>
      </p>
      <h1>{name}</h1>
      {data?.model.description ? <p>{data.model.description}</p> : null}
      <ErrorBox error={state.error} />
      <Loading when={state.loading && !data} />
      {data ? (
        <>
          <h2>Versions</h2>
          <DataTable<ModelVersion>
            label="Versions"
            rows={data.versions}
            rowKey={(v) => v.version}
            empty="No versions."
            columns={[
              { key: "version", header: "Version", cell: (v) => `v${v.version}`, sort: (v) => Number(v.version) },
              {
                key: "status",
                header: "Status",
                cell: (v) => <Badge tone={v.status === "READY" ? "ok" : "warn"}>{v.status}</Badge>,
              },
              {
                key: "aliases",
                header: "Aliases",
                cell: (v) =>
                  aliasesOf(v.version).map((a) => (
                    <span key={a} style={{ marginRight: 6 }}>
                      <Badge tone={a === "champion" ? "ok" : "info"}>@{a}</Badge>
                    </span>
                  )),
              },
              {
                key: "run",
                header: "Run",
                cell: (v) =>
                  v.run_id ? <a href={href(`/runs/${encodeURIComponent(v.run_id)}`)}>{v.run_id.slice(0, 12)}</a> : "",
              },
              {
                key: "logged",
                header: "Logged model",
                cell: (v) =>
                  v.model_id ? (
                    <a
                      className="mono"
                      href={href(`/logged-models/${encodeURIComponent(v.model_id)}`)}
                      title={v.model_id}
                    >
                      {v.model_id.slice(0, 10)}…
                    </a>
                  ) : (
                    ""
                  ),
              },
              {
                key: "created",
                header: "Created",
                cell: (v) => formatTime(v.creation_timestamp),
                sort: (v) => v.creation_timestamp,
              },
              {
                key: "lineage",
                header: "Lineage",
                cell: (v) => (
                  <button
                    type="button"
                    className="link"
                    style={{ color: "var(--accent)" }}
                    aria-pressed={v.version === lineageVersion}
                    onClick={() => setPicked(v.version)}
                  >
                    {v.version === lineageVersion ? "shown below" : "show lineage"}
                  </button>
                ),
              },
            ]}
          />
          <h2>Aliases</h2>
          <AliasEditor model={name} aliases={aliases} versions={data.versions} onChanged={state.reload} />
          <h2>Lineage</h2>
          <div className="toolbar">
            <label>
              Lineage of{" "}
              <select aria-label="Lineage of" value={lineageVersion} onChange={(e) => setPicked(e.target.value)}>
                {data.versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                    {aliasesOf(v.version).length ? ` (@${aliasesOf(v.version).join(", @")})` : ""}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {selected ? <LineageView version={selected} /> : null}
        </>
      ) : null}
    </>
  );
}
