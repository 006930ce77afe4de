/** `modelworks tokens create [--name N] [--expires 30d] [--user NAME] [--json] | ls [--all] | revoke ID` */
import { parseArgs } from "node:util";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, table, when } from "../cli-context.js";
import { connectAccess } from "./access-connection.js";

export const TOKENS_HELP = `Usage: modelworks tokens create [--name N] [--expires 30d] [--user NAME] [--json]
                         | ls [--all] | revoke ID

API tokens, sent as 'Authorization: Bearer TOKEN' (MLflow clients: MLFLOW_TRACKING_TOKEN; this CLI:
--token or MODELWORKS_TOKEN). A token is shown once, when made ('--json' prints {"token": ...});
only its hash is kept. Over HTTP a token is made for the caller; on the embedded store --user
names whose it is (default admin). ls shows yours (--all: everyone's, admins only).`;

/** Run `tokens`. */
export async function tokensCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      name: { type: "string" },
      expires: { type: "string" },
      user: { type: "string" },
      all: { type: "boolean" },
    },
  });
  const [sub, id] = positionals;
  if (values.help || !sub) {
    io.out(TOKENS_HELP);
    return values.help ? 0 : 2;
  }
  if (!["create", "ls", "revoke"].includes(sub))
    throw new CliError(`unknown subcommand 'tokens ${sub}' (expected create, ls or revoke)`);
  if (sub === "revoke" && !id) throw new CliError("tokens revoke needs a token ID (see 'tokens ls')");
  const remoteUri = values["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  const local = !(remoteUri && /^https?:\/\//.test(remoteUri));
  const conn = await connectAccess(values, io, values.user ?? (local && sub === "create" ? "admin" : undefined));
  try {
    if (sub === "create") {
      const made = await conn.api.createToken({
        name: values.name ?? "cli",
        ...(values.expires ? { expires_in: values.expires } : {}),
      });
      if (values.json) io.out(JSON.stringify({ token: made.token, id: made.token_info.id }));
      else
        io.out(
          `Token ${made.token_info.id} for ${made.token_info.username}${
            made.token_info.expires_time ? `, expires ${when(made.token_info.expires_time)}` : ""
          } (shown once):\n${made.token}`,
        );
      return 0;
    }
    if (sub === "revoke") {
      await conn.api.revokeToken({ id: id as string });
      io.out(values.json ? JSON.stringify({ revoked: id }) : `Revoked token ${id}`);
      return 0;
    }
    const { tokens } = await conn.api.listTokens(values.all || local ? { all: true } : {});
    if (values.json) io.out(JSON.stringify(tokens, null, 2));
    else
      io.out(
        table(
          ["ID", "NAME", "USER", "CREATED", "EXPIRES", "REVOKED"],
          tokens.map((t) => [
            t.id,
            t.name,
            t.username,
            when(t.created_time),
            when(t.expires_time),
            when(t.revoked_time),
          ]),
        ),
      );
    return 0;
  } finally {
    await conn.close();
  }
}
