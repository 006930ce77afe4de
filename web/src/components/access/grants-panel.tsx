/** Grants on one resource: MLflow's levels for a user, or '*' (everyone) on a deployment to make it public. */
import type { FormEvent, ReactNode } from "react";
import { useState } from "react";
import { access } from "../../lib/api";
import { ErrorBox } from "../status";

const TYPES = ["deployment", "dataset", "pipeline", "model", "experiment"] as const;
type Kind = (typeof TYPES)[number];
const LEVELS = ["READ", "EDIT", "MANAGE", "NO_PERMISSIONS"];

/** Set a grant through the route of the resource's kind (MLflow's for experiments and models). */
async function setGrant(kind: Kind, id: string, username: string, permission: string): Promise<void> {
  if (kind === "deployment") await access.setDeploymentPermission({ name: id, username, permission });
  else if (kind === "dataset") await access.setDatasetPermission({ name: id, username, permission });
  else if (kind === "pipeline") await access.setPipelinePermission({ name: id, username, permission });
  else if (kind === "model")
    await access
      .createRegisteredModelPermission({ name: id, username, permission })
      .catch(() => access.updateRegisteredModelPermission({ name: id, username, permission }));
  else
    await access
      .createExperimentPermission({ experiment_id: id, username, permission })
      .catch(() => access.updateExperimentPermission({ experiment_id: id, username, permission }));
}

async function listGrants(kind: Kind, id: string): Promise<{ username: string; permission: string }[]> {
  if (kind === "deployment") return (await access.listDeploymentPermissions({ name: id })).permissions;
  if (kind === "dataset") return (await access.listDatasetPermissions({ name: id })).permissions;
  if (kind === "pipeline") return (await access.listPipelinePermissions({ name: id })).permissions;
  return [];
}

export function GrantsPanel(): ReactNode {
  const [grants, setGrants] = useState<{ username: string; permission: string }[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const kind = String(form.get("kind")) as Kind;
    const id = String(form.get("id"));
    const username = String(form.get("username") ?? "");
    try {
      if (username) {
        await setGrant(kind, id, username, String(form.get("level")));
        setDone(`${username} has ${String(form.get("level"))} on ${kind} ${id}`);
      }
      setGrants(await listGrants(kind, id));
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section>
      <h2>Permissions</h2>
      <p>
        Without a grant, signed-in users have the server's default level (READ unless set). Give <code>*</code> READ on
        a deployment to let anyone predict with it. Needs MANAGE on the resource.
      </p>
      <form className="inline-form" onSubmit={submit}>
        <select name="kind" aria-label="Resource type">
          {TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input name="id" placeholder="Name or experiment id" aria-label="Resource" required />
        <input name="username" placeholder="User (or *); empty: list" aria-label="User" />
        <select name="level" aria-label="Level">
          {LEVELS.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox error={error} />
      {done ? <p role="status">{done}</p> : null}
      {grants ? (
        <ul aria-label="Grants">
          {grants.length === 0 ? <li>No grants (experiment and model grants show in the user list).</li> : null}
          {grants.map((g) => (
            <li key={g.username}>
              {g.username}: {g.permission}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
