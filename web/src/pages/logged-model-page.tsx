/**
 * One MLflow 3 logged model: its facts, the versions registered from it, its metrics (with the run
 * and dataset each was logged with), params, tags and files.
 */
import type { ReactNode } from "react";
import type { LoggedModel, LoggedModelMetric } from "../../../src/core/api/logged-model-entities";
import type { FileInfo } from "../../../src/core/api/mlflow-entities";
import { LoggedModelFacts } from "../components/logged-models/logged-model-facts";
import { RegisteredVersions } from "../components/logged-models/registered-versions";
import { KeyValueTable } from "../components/runs/key-value-table";
import { ParamsSection } from "../components/runs/params-section";
import { TagsSection } from "../components/runs/tags-section";
import { ErrorBox, Loading } from "../components/status";
import { mlflow, proxiedArtifactUrl } from "../lib/api";
import { formatNumber, formatTime } from "../lib/format";
import { href } from "../lib/router";
import { toNumber } from "../lib/runs/run-fields";
import { useAsync } from "../lib/use-async";

/** `#/logged-models/:id`. */
export function LoggedModelPage({ modelId }: { modelId: string }): ReactNode {
  const loaded = useAsync(() => mlflow.getLoggedModel({ model_id: modelId }), [modelId]);
  const model = loaded.data?.model;
  return (
    <div>
      <p className="muted">
        <a href={href("/experiments")}>Experiments</a>
        {model ? (
          <>
            {" / "}
            <a href={href(`/experiments/${model.info.experiment_id}`)}>experiment {model.info.experiment_id}</a>
          </>
        ) : null}{" "}
        / logged model
      </p>
      <h1>{model ? model.info.name : loaded.error ? `Logged model ${modelId}` : "…"}</h1>
      <ErrorBox error={loaded.error} />
      <Loading when={loaded.loading && !model} />
      {model ? (
        <>
          <LoggedModelFacts model={model} />
          <RegisteredVersions modelId={modelId} />
          <Metrics metrics={model.data.metrics ?? []} />
          <ParamsSection params={model.data.params ?? []} />
          <TagsSection tags={model.info.tags ?? []} />
          <Files model={model} />
        </>
      ) : null}
    </div>
  );
}

function Metrics({ metrics }: { metrics: LoggedModelMetric[] }): ReactNode {
  const dataset = (m: LoggedModelMetric) =>
    m.dataset_name ? `${m.dataset_name}${m.dataset_digest ? ` (${m.dataset_digest.slice(0, 8)})` : ""}` : "";
  return (
    <section>
      <h2>Metrics</h2>
      <KeyValueTable
        label="Metrics"
        rows={metrics}
        rowKey={(m) => `${m.key}\u0000${m.step}\u0000${m.timestamp}\u0000${m.run_id}\u0000${dataset(m)}`}
        headers={["Name", "Value", "Step", "Dataset", "Run", "Logged"]}
        cells={(m) => [
          m.key,
          formatNumber(toNumber(m.value)),
          m.step,
          dataset(m),
          <a key="r" href={href(`/runs/${encodeURIComponent(m.run_id)}`, { metric: m.key })}>
            {m.run_id.slice(0, 8)}
          </a>,
          formatTime(m.timestamp),
        ]}
        empty="No metrics logged for this model."
      />
    </section>
  );
}

/** The top level of the model's artifact folder, each file a download through the artifact proxy. */
function Files({ model }: { model: LoggedModel }): ReactNode {
  const { model_id: id, artifact_uri: root } = model.info;
  const listing = useAsync(() => mlflow.listLoggedModelArtifacts({ model_id: id }), [id]);
  const link = (f: FileInfo) => {
    const url = f.is_dir ? undefined : proxiedArtifactUrl(root, f.path);
    return url ? <a href={url}>{f.path}</a> : `${f.path}${f.is_dir ? "/" : ""}`;
  };
  return (
    <section>
      <h2>Files</h2>
      <ErrorBox error={listing.error} />
      <Loading when={listing.loading && !listing.data} />
      {listing.data ? (
        <KeyValueTable
          label="Files"
          rows={listing.data.files ?? []}
          rowKey={(f) => f.path}
          headers={["Name", "Size"]}
          cells={(f) => [link(f), f.is_dir ? "" : formatNumber(f.file_size)]}
          empty="No files uploaded (yet)."
        />
      ) : null}
    </section>
  );
}
