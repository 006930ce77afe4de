/** The first start of a platform with authentication: an admin and a token to reach it with. */
import { isMwError } from "../core/errors.js";
import type { AuthService } from "./auth-service.js";
import { randomPassword } from "./password.js";

/** The first admin's credentials, shown once. */
export interface FirstAdmin {
  username: string;
  password: string;
  token: string;
}

/** Create the admin `admin` with a random password and a token when there are no users yet. */
export async function ensureFirstAdmin(auth: AuthService): Promise<FirstAdmin | undefined> {
  if ((await auth.countUsers()) > 0) return undefined;
  const password = randomPassword();
  try {
    const user = await auth.createUser("admin", password, true);
    const { token } = await auth.issueToken(user.id, "first admin (created at start)");
    return { username: user.username, password, token };
  } catch (e) {
    // Another process started at the same moment and created it.
    if (isMwError(e) && e.code === "RESOURCE_ALREADY_EXISTS") return undefined;
    throw e;
  }
}
