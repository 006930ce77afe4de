/** Loading, error and empty states every page shows the same way. */
import type { ReactNode } from "react";

/** An error message from the server or the network, as an alert region. */
export function ErrorBox({ error }: { error: string | undefined }): ReactNode {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error}
    </div>
  );
}

/** A loading line shown only while there is nothing to show yet. */
export function Loading({ when }: { when: boolean }): ReactNode {
  return when ? <p className="muted">Loading…</p> : null;
}

/** A muted line for an empty list. */
export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <p className="muted empty">{children}</p>;
}

/** A small coloured label (phase, state, verdict). */
export function Badge({ tone, children }: { tone?: "ok" | "bad" | "warn" | "info"; children: ReactNode }): ReactNode {
  return <span className={`badge ${tone ?? ""}`}>{children}</span>;
}
