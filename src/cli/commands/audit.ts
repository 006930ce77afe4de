/** `modelworks audit [--limit N] [--actor USER] [--target TYPE[:ID]] [--since 1h] [--json]` */
import { parseArgs } from "node:util";
import { parseDuration } from "../../core/duration.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, intFlag, table, when } from "../cli-context.js";
import { connectAccess } from "./access-connection.js";

export const AUDIT_HELP = `Usage: modelworks audit [--limit 50] [--actor USER] [--target TYPE[:ID]] [--since 24h] [--json]

Who changed what, newest first: users, grants, tokens, registered models (versions, aliases,
stages), datasets, deployments, rollouts, monitors, pipelines; refused attempts by signed-in callers
too (status 403). TYPE: user, token, registered_model, dataset, deployment, pipeline, experiment,
or TYPE_permission. Over HTTP (--tracking-uri) it needs an admin.`;

/** Run `audit`. */
export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      limit: { type: "string" },
      actor: { type: "string" },
      target: { type: "string" },
      since: { type: "string" },
    },
  });
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  const limit = intFlag("limit", values.limit, 50, 1, 10_000);
  let since: number | undefined;
  if (values.since !== undefined) {
    try {
      since = Date.now() - parseDuration("--since", values.since);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const [targetType, target] = values.target?.split(":", 2) ?? [];
  const conn = await connectAccess(values, io);
  try {
    const { records } = await conn.api.listAudit({
      limit,
      ...(since !== undefined ? { since_time: since } : {}),
      ...(values.actor ? { actor: values.actor } : {}),
      ...(targetType ? { target_type: targetType } : {}),
      ...(target ? { target } : {}),
    });
    if (values.json) io.out(JSON.stringify(records, null, 2));
    else
      io.out(
        table(
          ["TIME", "ACTOR", "ACTION", "TARGET", "STATUS", "ADDRESS"],
          records.map((r) => [
            when(r.time),
            r.actor,
            r.action,
            `${r.target_type}:${r.target}`,
            String(r.status),
            r.address ?? "",
          ]),
        ),
      );
    return 0;
  } finally {
    await conn.close();
  }
}
