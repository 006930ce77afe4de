/** Who is calling: a signed-in user (and how they proved it), or nobody. */

export interface Principal {
  userId: number;
  username: string;
  isAdmin: boolean;
  /** How the caller signed in: an API token, HTTP Basic, a UI session, or this process itself. */
  via: "token" | "basic" | "session" | "local";
  /** The token's id when `via` is `token`. */
  tokenId?: string;
}

/** The platform acting on its own behalf (CLI in-process, background work): an admin. */
export const LOCAL_ADMIN: Principal = { userId: -1, username: "local", isAdmin: true, via: "local" };
