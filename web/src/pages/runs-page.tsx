/** Runs */
import type { ReactNode } from "react";

export function RunsPage(_props: { experimentId: string; query: URLSearchParams }): ReactNode {
  return <h1>Runs</h1>;
}
