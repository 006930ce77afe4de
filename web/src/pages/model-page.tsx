/** Model */
import type { ReactNode } from "react";

export function ModelPage(_props: { name: string }): ReactNode {
  return <h1>Model</h1>;
}
