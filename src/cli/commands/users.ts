/** `modelworks users create NAME [--password P] [--admin] | ls | delete NAME | passwd NAME [--password P]` */
import { parseArgs } from "node:util";
import { randomPassword } from "../../auth/password.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, table } from "../cli-context.js";
import { connectAccess } from "./access-connection.js";

export const USERS_HELP = `Usage: modelworks users create NAME [--password P] [--admin] | ls | delete NAME
                        | passwd NAME [--password P]

Users of the platform (MLflow's users API). Without --password a random one is made and printed once.
On the embedded store (no --tracking-uri) this works without signing in; over HTTP it needs an admin
(passwd: the user themself or an admin). Options: --tracking-uri URL, --token T, --home DIR, --json.`;

/** Run `users`. */
export async function usersCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_FLAGS, password: { type: "string" }, admin: { type: "boolean" } },
  });
  const [sub, name] = positionals;
  if (values.help || !sub) {
    io.out(USERS_HELP);
    return values.help ? 0 : 2;
  }
  if (!["create", "ls", "delete", "passwd"].includes(sub))
    throw new CliError(`unknown subcommand 'users ${sub}' (expected create, ls, delete or passwd)`);
  if (sub !== "ls" && !name) throw new CliError(`users ${sub} needs a user NAME`);
  const conn = await connectAccess(values, io);
  try {
    const username = name as string;
    if (sub === "ls") {
      const { users } = await conn.api.listUsers({});
      if (values.json) io.out(JSON.stringify(users, null, 2));
      else
        io.out(
          table(
            ["ID", "NAME", "ADMIN"],
            users.map((u) => [String(u.id), u.username, u.is_admin ? "yes" : ""]),
          ),
        );
      return 0;
    }
    if (sub === "delete") {
      await conn.api.deleteUser({ username });
      io.out(
        values.json ? JSON.stringify({ deleted: username }) : `Deleted user ${username} (with their tokens and grants)`,
      );
      return 0;
    }
    const password = values.password ?? randomPassword();
    if (sub === "passwd") await conn.api.updateUserPassword({ username, password });
    else {
      await conn.api.createUser({ username, password });
      if (values.admin) await conn.api.updateUserAdmin({ username, is_admin: true });
    }
    const shown = values.password === undefined ? { password } : {};
    if (values.json) io.out(JSON.stringify({ username, admin: values.admin === true, ...shown }));
    else
      io.out(
        `${sub === "passwd" ? "Changed the password of" : "Created"} user ${username}${values.admin ? " (admin)" : ""}${
          values.password === undefined ? `; password: ${password} (shown once)` : ""
        }`,
      );
    return 0;
  } finally {
    await conn.close();
  }
}
