/** Access (`#/access`): your tokens, users (admins) and grants on resources. */
import type { ReactNode } from "react";
import { GrantsPanel } from "../components/access/grants-panel";
import { TokensPanel } from "../components/access/tokens-panel";
import { UsersPanel } from "../components/access/users-panel";
import { ErrorBox, Loading } from "../components/status";
import { whoAmI } from "../lib/session";
import { useAsync } from "../lib/use-async";

export function AccessPage(): ReactNode {
  const me = useAsync(() => whoAmI(), []);
  return (
    <>
      <h1>Access</h1>
      <ErrorBox error={me.error} />
      <Loading when={me.loading && !me.data} />
      {me.data?.auth === "off" ? <p>Authentication is off on this server (--no-auth): there are no users.</p> : null}
      {me.data?.user ? (
        <>
          <p>
            Signed in as <strong>{me.data.user.username}</strong>
            {me.data.user.is_admin ? " (admin)" : ""}.
          </p>
          <TokensPanel />
          {me.data.user.is_admin ? <UsersPanel /> : null}
          <GrantsPanel />
        </>
      ) : null}
    </>
  );
}
