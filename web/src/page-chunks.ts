/**
 * The code of each page (one chunk each) and which one each route pattern shows. React-free, so the
 * entry (main.tsx) can start fetching the first page's chunk at once, alongside React and the shell,
 * rather than after them. routes.tsx holds the route table itself; a pattern missing here only
 * loses that head start.
 */
export const PAGE_CHUNKS = {
  access: () => import("./pages/access-page"),
  compare: () => import("./pages/compare-page"),
  dataset: () => import("./pages/dataset-page"),
  datasets: () => import("./pages/datasets-page"),
  deployment: () => import("./pages/deployment-page"),
  deployments: () => import("./pages/deployments-page"),
  experiments: () => import("./pages/experiments-page"),
  loggedModel: () => import("./pages/logged-model-page"),
  model: () => import("./pages/model-page"),
  models: () => import("./pages/models-page"),
  monitoring: () => import("./pages/monitoring-page"),
  pipelineRun: () => import("./pages/pipeline-run-page"),
  pipelines: () => import("./pages/pipelines-page"),
  run: () => import("./pages/run-page"),
  runs: () => import("./pages/runs-page"),
  signIn: () => import("./pages/sign-in-page"),
} as const;

const ROUTE_CHUNKS: [pattern: string, chunk: keyof typeof PAGE_CHUNKS][] = [
  ["/", "experiments"],
  ["/experiments", "experiments"],
  ["/experiments/:id", "runs"],
  ["/compare", "compare"],
  ["/runs/:id", "run"],
  ["/logged-models/:id", "loggedModel"],
  ["/datasets", "datasets"],
  ["/datasets/:name", "dataset"],
  ["/models", "models"],
  ["/models/:name", "model"],
  ["/deployments", "deployments"],
  ["/deployments/:name", "deployment"],
  ["/monitoring", "monitoring"],
  ["/monitoring/:name", "monitoring"],
  ["/pipelines", "pipelines"],
  ["/pipelines/runs/:id", "pipelineRun"],
  ["/access", "access"],
  ["/sign-in", "signIn"],
];

/** Start fetching the chunk of the page at hash path `path` (nothing for an unknown path). */
export function prefetchPageChunk(path: string): Promise<unknown> {
  const parts = path.split("/");
  for (const [pattern, chunk] of ROUTE_CHUNKS) {
    const want = pattern.split("/");
    if (want.length === parts.length && want.every((w, i) => w.startsWith(":") || w === parts[i]))
      return PAGE_CHUNKS[chunk]();
  }
  return Promise.resolve();
}
