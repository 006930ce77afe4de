/** Deployment */
import type { ReactNode } from "react";

export function DeploymentPage(_props: { name: string }): ReactNode {
  return <h1>Deployment</h1>;
}
