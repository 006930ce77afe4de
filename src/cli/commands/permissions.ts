/** `modelworks permissions set|ls|rm TYPE ID ...`: grants on experiments, models, datasets, deployments, pipelines. */
import { parseArgs } from "node:util";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, table } from "../cli-context.js";
import type { AccessConnection } from "./access-connection.js";
import { connectAccess } from "./access-connection.js";

export const PERMISSIONS_HELP = `Usage: modelworks permissions set TYPE ID USER LEVEL | ls TYPE ID | rm TYPE ID USER

Grants, MLflow's levels: READ, EDIT, MANAGE, NO_PERMISSIONS. TYPE: experiment (ID = experiment id),
model (registered model name), dataset, deployment, pipeline (names). USER '*' on a deployment with
READ makes it public (anyone may predict with it). Who has no grant gets the server's
--default-permission (READ unless set). Needs MANAGE on the resource (or an admin); on the embedded
store it works without signing in. ls is for dataset, deployment and pipeline (MLflow has no list
for the other two: 'users ls --json' shows a user's experiment and model grants).`;

const TYPES = ["experiment", "model", "dataset", "deployment", "pipeline"] as const;

/** Run `permissions`. */
export async function permissionsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CONNECTION_FLAGS } });
  const [sub, type, id, user, level] = positionals;
  if (values.help || !sub) {
    io.out(PERMISSIONS_HELP);
    return values.help ? 0 : 2;
  }
  if (!["set", "ls", "rm"].includes(sub))
    throw new CliError(`unknown subcommand 'permissions ${sub}' (expected set, ls or rm)`);
  if (!TYPES.includes(type as (typeof TYPES)[number]))
    throw new CliError(`permissions ${sub} needs a TYPE: one of ${TYPES.join(", ")}, got '${type ?? ""}'`);
  if (!id) throw new CliError(`permissions ${sub} needs the ${type}'s ID or name`);
  if (sub !== "ls" && !user) throw new CliError(`permissions ${sub} needs a USER ('*' for everyone)`);
  if (sub === "set" && !level)
    throw new CliError("permissions set needs a LEVEL: READ, EDIT, MANAGE or NO_PERMISSIONS");
  const conn = await connectAccess(values, io);
  try {
    const t = type as (typeof TYPES)[number];
    if (sub === "ls") return await list(conn, t, id, values.json === true, io);
    if (sub === "set") await set(conn, t, id, user as string, level as string);
    else await remove(conn, t, id, user as string);
    io.out(
      values.json
        ? JSON.stringify({ type: t, id, username: user, permission: sub === "set" ? level?.toUpperCase() : null })
        : sub === "set"
          ? `${user} has ${level?.toUpperCase()} on ${t} ${id}`
          : `Removed ${user}'s grant on ${t} ${id}`,
    );
    return 0;
  } finally {
    await conn.close();
  }
}

const PLATFORM = { dataset: "Dataset", deployment: "Deployment", pipeline: "Pipeline" } as const;

async function set(
  conn: AccessConnection,
  t: (typeof TYPES)[number],
  id: string,
  username: string,
  permission: string,
) {
  if (t === "experiment") {
    await conn.api.createExperimentPermission({ experiment_id: id, username, permission }).catch(async (e) => {
      if ((e as { code?: string }).code !== "RESOURCE_ALREADY_EXISTS") throw e;
      await conn.api.updateExperimentPermission({ experiment_id: id, username, permission });
    });
  } else if (t === "model") await conn.api.createRegisteredModelPermission({ name: id, username, permission });
  else await conn.api[`set${PLATFORM[t]}Permission`]({ name: id, username, permission });
}

async function remove(conn: AccessConnection, t: (typeof TYPES)[number], id: string, username: string) {
  if (t === "experiment") await conn.api.deleteExperimentPermission({ experiment_id: id, username });
  else if (t === "model") await conn.api.deleteRegisteredModelPermission({ name: id, username });
  else await conn.api[`delete${PLATFORM[t]}Permission`]({ name: id, username });
}

async function list(conn: AccessConnection, t: (typeof TYPES)[number], id: string, json: boolean, io: CliIo) {
  if (t === "experiment" || t === "model")
    throw new CliError(`permissions ls works for dataset, deployment and pipeline; for ${t}s see 'users ls --json'`);
  const { permissions } = await conn.api[`list${PLATFORM[t]}Permissions`]({ name: id });
  if (json) io.out(JSON.stringify(permissions, null, 2));
  else
    io.out(
      table(
        ["USER", "PERMISSION"],
        permissions.map((p) => [p.username, p.permission]),
      ),
    );
  return 0;
}
