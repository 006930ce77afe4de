/** Credentials for tests that talk to a spawned `up`/`serve`: the admin token its first start saved in the home. */
import { fetchWithAuthorization, readTokenFile } from "../client-auth.js";

/** `Bearer <token>` from the home's token file (throws when the server has not written it). */
export function homeAuthorization(home: string): string {
  const token = readTokenFile(home);
  if (!token) throw new Error(`no admin token in ${home}: has a server with authentication started there?`);
  return `Bearer ${token}`;
}

/** `fetch` that signs every request in with the home's admin token. */
export function homeFetch(home: string): typeof fetch {
  return fetchWithAuthorization(homeAuthorization(home));
}
