/** Pipelines */
import type { ReactNode } from "react";

export function PipelinesPage(): ReactNode {
  return <h1>Pipelines</h1>;
}
