/** Compare runs */
import type { ReactNode } from "react";

export function ComparePage(_props: { query: URLSearchParams }): ReactNode {
  return <h1>Compare runs</h1>;
}
