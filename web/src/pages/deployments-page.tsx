/** Deployments */
import type { ReactNode } from "react";

export function DeploymentsPage(): ReactNode {
  return <h1>Deployments</h1>;
}
