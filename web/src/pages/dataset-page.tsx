/** Dataset */
import type { ReactNode } from "react";

export function DatasetPage(_props: { name: string; query: URLSearchParams }): ReactNode {
  return <h1>Dataset</h1>;
}
