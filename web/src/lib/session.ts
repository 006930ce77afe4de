/**
 * Signing in from the browser: the server keeps the session in an HttpOnly cookie; the page sends
 * the session's CSRF value (a readable cookie) on every change, and goes to the sign-in page on 401.
 */
import { href } from "./router";

const base = window.location.origin + window.location.pathname.replace(/\/[^/]*$/, "");
const AUTH = `${base}/api/modelworks/v1/auth`;

function csrfCookie(): string | undefined {
  const m = /(?:^|;\s*)mw_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1] as string) : undefined;
}

/** `fetch` for every API call of the UI: marks the request as the UI's, adds CSRF, handles 401. */
export const uiFetch: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set("x-modelworks-ui", "1");
  const method = (init?.method ?? "GET").toUpperCase();
  const csrf = csrfCookie();
  if (csrf && method !== "GET" && method !== "HEAD") headers.set("x-csrf-token", csrf);
  const res = await fetch(input, { ...init, headers, credentials: "same-origin" });
  if (res.status === 401 && !window.location.hash.startsWith("#/sign-in")) goSignIn();
  return res;
};

/** Go to the sign-in page, coming back here afterwards. */
export function goSignIn(): void {
  const here = window.location.hash.replace(/^#/, "") || "/experiments";
  window.location.hash = href("/sign-in", { next: here }).slice(1);
}

/** Who is signed in (null when nobody), and whether the server checks at all. */
export interface Me {
  auth: "on" | "off";
  user?: { username: string; is_admin: boolean } | null;
}

export async function whoAmI(): Promise<Me> {
  const res = await uiFetch(`${AUTH}/me`);
  return (await res.json()) as Me;
}

/** Sign in with a user name and password, or with an API token (the link the CLI prints). */
export async function signIn(body: { username: string; password: string } | { token: string }): Promise<void> {
  const res = await uiFetch(`${AUTH}/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(err.message ?? `sign-in failed (HTTP ${res.status})`);
  }
}

export async function signOut(): Promise<void> {
  await uiFetch(`${AUTH}/sign-out`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}
