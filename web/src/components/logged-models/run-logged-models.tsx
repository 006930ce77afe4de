/** The MLflow 3 logged models a run produced (`outputs`) or used (`inputs`), each linking to its page. */
import type { ReactNode } from "react";
import type { LoggedModel } from "../../../../src/core/api/logged-model-entities";
import type { Run } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { useAsync } from "../../lib/use-async";
import { KeyValueTable } from "../runs/key-value-table";
import { ErrorBox } from "../status";
import { LoggedModelStatus } from "./logged-model-status";

/** Models looked up at most (one GET each); a run rarely logs more than a handful. */
const MAX_MODELS = 50;

interface Link {
  id: string;
  role: string;
}

/** A section listing the run's logged models; nothing for a run without any (MLflow 2.x runs). */
export function RunLoggedModels({ run }: { run: Run }): ReactNode {
  const links: Link[] = [
    ...(run.outputs?.model_outputs ?? []).map((o) => ({ id: o.model_id, role: `output, step ${o.step}` })),
    ...(run.inputs?.model_inputs ?? []).map((i) => ({ id: i.model_id, role: "input" })),
  ].slice(0, MAX_MODELS);
  const ids = links.map((l) => l.id).join(",");
  const models = useAsync(async () => {
    // An input may name something else (MLflow allows a model version's id): shown by id only.
    const found = await Promise.all(
      links.map((l) =>
        mlflow.getLoggedModel({ model_id: l.id }).then(
          (r) => r.model,
          () => undefined,
        ),
      ),
    );
    return new Map(found.filter((m): m is LoggedModel => m !== undefined).map((m) => [m.info.model_id, m]));
  }, [ids]);
  if (links.length === 0) return null;
  const byId = models.data;
  return (
    <section>
      <h2>Logged models</h2>
      <ErrorBox error={models.error} />
      <KeyValueTable
        label="Logged models"
        rows={links}
        rowKey={(l) => `${l.role}:${l.id}`}
        headers={["Name", "Role", "Status", "Model ID", "Created"]}
        cells={(l) => {
          const m = byId?.get(l.id);
          return [
            m ? (
              <a key="n" href={href(`/logged-models/${encodeURIComponent(l.id)}`)}>
                {m.info.name}
              </a>
            ) : (
              ""
            ),
            l.role,
            m ? <LoggedModelStatus key="s" status={m.info.status} /> : "",
            <span key="id" className="mono">
              {l.id}
            </span>,
            m ? formatTime(m.info.creation_timestamp_ms) : "",
          ];
        }}
        empty=""
      />
    </section>
  );
}
