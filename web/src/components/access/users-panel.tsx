/** Users (admins only): list, create (MLflow's users API), make admin, delete. */
import type { FormEvent, ReactNode } from "react";
import { useState } from "react";
import type { UserInfo } from "../../../../src/core/api/auth-routes";
import { access } from "../../lib/api";
import { useAsync } from "../../lib/use-async";
import { ConfirmButton } from "../confirm-button";
import { DataTable } from "../data-table";
import { ErrorBox } from "../status";

export function UsersPanel(): ReactNode {
  const users = useAsync(() => access.listUsers({}), []);
  const [error, setError] = useState<string>();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    const username = String(form.get("username"));
    try {
      await access.createUser({ username, password: String(form.get("password")) });
      if (form.get("admin") === "on") await access.updateUserAdmin({ username, is_admin: true });
      el.reset();
      setError(undefined);
      users.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section>
      <h2>Users</h2>
      <form className="inline-form" onSubmit={create}>
        <input name="username" placeholder="User name" aria-label="New user name" required />
        <input name="password" type="password" placeholder="Password (8+)" aria-label="New user password" required />
        <label>
          <input name="admin" type="checkbox" /> admin
        </label>
        <button type="submit">Create user</button>
      </form>
      <ErrorBox error={error ?? users.error} />
      <DataTable<UserInfo>
        label="Users"
        rows={users.data?.users ?? []}
        rowKey={(u) => String(u.id)}
        empty="No users."
        columns={[
          { key: "name", header: "User", cell: (u) => u.username, sort: (u) => u.username },
          { key: "admin", header: "Admin", cell: (u) => (u.is_admin ? "yes" : "") },
          {
            key: "grants",
            header: "Experiment / model grants",
            cell: (u) =>
              [
                ...u.experiment_permissions.map((g) => `experiment ${g.experiment_id}: ${g.permission}`),
                ...u.registered_model_permissions.map((g) => `model ${g.name}: ${g.permission}`),
              ].join(", ") || "-",
          },
          {
            key: "delete",
            header: "",
            cell: (u) => (
              <ConfirmButton
                label="Delete"
                question={`Delete user ${u.username} with their tokens and grants?`}
                danger
                onConfirm={async () => {
                  await access.deleteUser({ username: u.username });
                  users.reload();
                }}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
