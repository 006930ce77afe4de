/** Sign in: user name and password, or a token link (`#/sign-in?token=...`) printed by the CLI. */
import type { FormEvent, ReactNode } from "react";
import { useEffect, useState } from "react";
import { signIn } from "../lib/session";

function goNext(next: string | null): void {
  // Only paths inside the UI: never an address elsewhere.
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/experiments";
  window.history.replaceState(null, "", `#${target}`);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
  window.location.reload();
}

export function SignInPage({ query }: { query: URLSearchParams }): ReactNode {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const token = query.get("token");
  const next = query.get("next");
  useEffect(() => {
    if (!token) return;
    // The token leaves the address bar at once, then is traded for a session cookie.
    window.history.replaceState(null, "", "#/sign-in");
    signIn({ token })
      .then(() => goNext(next))
      .catch((e: Error) => setError(e.message));
  }, [token, next]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await signIn({ username: String(form.get("username")), password: String(form.get("password")) });
      goNext(next);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sign-in">
      <h1>Sign in</h1>
      <form onSubmit={submit}>
        <label>
          User name <input name="username" autoComplete="username" required />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      <p>The first admin's token is in the server's home (admin-token); `modelworks tokens create` makes more.</p>
    </div>
  );
}
