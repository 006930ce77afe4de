/** Monitoring */
import type { ReactNode } from "react";

export function MonitoringPage(_props: { name: string }): ReactNode {
  return <h1>Monitoring</h1>;
}
