/** The signed-in user in the top bar, with sign-out (nothing when the server checks no one). */
import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import type { Me } from "../lib/session";
import { goSignIn, signOut, whoAmI } from "../lib/session";

export function UserBox(): ReactNode {
  const [me, setMe] = useState<Me>();
  useEffect(() => {
    whoAmI()
      .then(setMe)
      .catch(() => setMe(undefined));
  }, []);
  if (!me || me.auth === "off") return null;
  if (!me.user)
    return (
      <button type="button" className="user-box" onClick={goSignIn}>
        Sign in
      </button>
    );
  return (
    <span className="user-box">
      {me.user.username}
      {me.user.is_admin ? " (admin)" : ""}{" "}
      <button
        type="button"
        onClick={() => {
          void signOut().then(goSignIn);
        }}
      >
        Sign out
      </button>
    </span>
  );
}
