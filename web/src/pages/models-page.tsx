/** Models */
import type { ReactNode } from "react";

export function ModelsPage(): ReactNode {
  return <h1>Models</h1>;
}
