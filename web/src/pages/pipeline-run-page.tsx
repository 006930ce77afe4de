/** Pipeline run */
import type { ReactNode } from "react";

export function PipelineRunPage(_props: { runId: string }): ReactNode {
  return <h1>Pipeline run</h1>;
}
