/** The signed-in user's API tokens: make one (shown once), see and revoke them. */
import type { FormEvent, ReactNode } from "react";
import { useState } from "react";
import type { TokenInfo } from "../../../../src/core/api/auth-routes";
import { access } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { useAsync } from "../../lib/use-async";
import { ConfirmButton } from "../confirm-button";
import { DataTable } from "../data-table";
import { ErrorBox } from "../status";

export function TokensPanel(): ReactNode {
  const tokens = useAsync(() => access.listTokens({}), []);
  const [made, setMade] = useState<string>();
  const [error, setError] = useState<string>();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = String(form.get("expires") ?? "");
    try {
      const r = await access.createToken({
        name: String(form.get("name")),
        ...(expires ? { expires_in: expires } : {}),
      });
      setMade(r.token);
      setError(undefined);
      tokens.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section>
      <h2>Your API tokens</h2>
      <form className="inline-form" onSubmit={create}>
        <input name="name" placeholder="Name (e.g. ci)" aria-label="Token name" required />
        <input name="expires" placeholder="Expires in (30d)" aria-label="Expires in" />
        <button type="submit">Create token</button>
      </form>
      {made ? (
        <p role="status">
          New token (shown once; send it as <code>Authorization: Bearer …</code>): <code>{made}</code>
        </p>
      ) : null}
      <ErrorBox error={error ?? tokens.error} />
      <DataTable<TokenInfo>
        label="Tokens"
        rows={tokens.data?.tokens ?? []}
        rowKey={(t) => t.id}
        empty="No tokens."
        columns={[
          { key: "id", header: "ID", cell: (t) => <code>{t.id}</code> },
          { key: "name", header: "Name", cell: (t) => t.name },
          { key: "created", header: "Created", cell: (t) => formatTime(t.created_time) },
          { key: "expires", header: "Expires", cell: (t) => (t.expires_time ? formatTime(t.expires_time) : "never") },
          {
            key: "state",
            header: "",
            cell: (t) =>
              t.revoked_time ? (
                `revoked ${formatTime(t.revoked_time)}`
              ) : (
                <ConfirmButton
                  label="Revoke"
                  question={`Revoke token ${t.name} (${t.id})? Clients using it stop working.`}
                  danger
                  onConfirm={async () => {
                    await access.revokeToken({ id: t.id });
                    tokens.reload();
                  }}
                />
              ),
          },
        ]}
      />
    </section>
  );
}
