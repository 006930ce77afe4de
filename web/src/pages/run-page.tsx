/** Run */
import type { ReactNode } from "react";

export function RunPage(_props: { runId: string; query: URLSearchParams }): ReactNode {
  return <h1>Run</h1>;
}
