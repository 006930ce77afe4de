/** Experiments */
import type { ReactNode } from "react";

export function ExperimentsPage(): ReactNode {
  return <h1>Experiments</h1>;
}
