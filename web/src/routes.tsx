/**
 * The route table: hash path pattern → page. Order matters (first match wins). Each page is its own
 * chunk, loaded on first visit, so the first load fetches and parses only the shell and one page
 * (uPlot comes only with the pages that chart).
 */
import type { ComponentType, ReactNode } from "react";
import { createElement, isValidElement, lazy } from "react";
import { match } from "./lib/router";
import { PAGE_CHUNKS } from "./page-chunks";

/** A page component whose code is fetched on first use; `preload` fetches it ahead (same promise). */
export interface LazyPage<P> {
  (props: P): ReactNode;
  preload: () => Promise<unknown>;
}

const PAGES: LazyPage<never>[] = [];

/**
 * A page from its module's named export. Once the chunk is in, the page renders directly; only
 * before that does it suspend (React.lazy), which shows the Suspense fallback and lets React hold
 * the page back for its fallback throttle (~300 ms), so the first page is preloaded before mounting.
 */
function page<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = () => {
    pending ??= load().then((c) => {
      loaded = c;
      return c;
    });
    // After a failed fetch (server restarting) a later preload tries again.
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
  const Suspending = lazy(async () => ({ default: await preload() }));
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page at module load, never during a render.
  const Page = (props: P): ReactNode =>
    loaded ? createElement(loaded, props) : createElement(Suspending as ComponentType<P>, props);
  const out = Object.assign(Page, { preload });
  PAGES.push(out as LazyPage<never>);
  return out;
}

const AccessPage = page(() => PAGE_CHUNKS.access().then((m) => m.AccessPage));
const ComparePage = page(() => PAGE_CHUNKS.compare().then((m) => m.ComparePage));
const DatasetPage = page(() => PAGE_CHUNKS.dataset().then((m) => m.DatasetPage));
const DatasetsPage = page(() => PAGE_CHUNKS.datasets().then((m) => m.DatasetsPage));
const DeploymentPage = page(() => PAGE_CHUNKS.deployment().then((m) => m.DeploymentPage));
const DeploymentsPage = page(() => PAGE_CHUNKS.deployments().then((m) => m.DeploymentsPage));
const ExperimentsPage = page(() => PAGE_CHUNKS.experiments().then((m) => m.ExperimentsPage));
const LoggedModelPage = page(() => PAGE_CHUNKS.loggedModel().then((m) => m.LoggedModelPage));
const ModelPage = page(() => PAGE_CHUNKS.model().then((m) => m.ModelPage));
const ModelsPage = page(() => PAGE_CHUNKS.models().then((m) => m.ModelsPage));
const MonitoringPage = page(() => PAGE_CHUNKS.monitoring().then((m) => m.MonitoringPage));
const PipelineRunPage = page(() => PAGE_CHUNKS.pipelineRun().then((m) => m.PipelineRunPage));
const PipelinesPage = page(() => PAGE_CHUNKS.pipelines().then((m) => m.PipelinesPage));
const RunPage = page(() => PAGE_CHUNKS.run().then((m) => m.RunPage));
const RunsPage = page(() => PAGE_CHUNKS.runs().then((m) => m.RunsPage));
const SignInPage = page(() => PAGE_CHUNKS.signIn().then((m) => m.SignInPage));

export interface RouteDef {
  pattern: string;
  /** Which nav entry is highlighted. */
  section: string;
  render: (params: Record<string, string>, query: URLSearchParams) => ReactNode;
}

export const ROUTES: RouteDef[] = [
  { pattern: "/", section: "experiments", render: () => <ExperimentsPage /> },
  { pattern: "/sign-in", section: "", render: (_p, q) => <SignInPage query={q} /> },
  { pattern: "/access", section: "access", render: () => <AccessPage /> },
  { pattern: "/experiments", section: "experiments", render: () => <ExperimentsPage /> },
  {
    pattern: "/experiments/:id",
    section: "experiments",
    render: (p, q) => <RunsPage experimentId={p.id ?? ""} query={q} />,
  },
  { pattern: "/compare", section: "experiments", render: (_p, q) => <ComparePage query={q} /> },
  { pattern: "/runs/:id", section: "experiments", render: (p, q) => <RunPage runId={p.id ?? ""} query={q} /> },
  {
    pattern: "/logged-models/:id",
    section: "experiments",
    render: (p) => <LoggedModelPage modelId={p.id ?? ""} />,
  },
  { pattern: "/datasets", section: "datasets", render: () => <DatasetsPage /> },
  { pattern: "/datasets/:name", section: "datasets", render: (p, q) => <DatasetPage name={p.name ?? ""} query={q} /> },
  { pattern: "/models", section: "models", render: () => <ModelsPage /> },
  { pattern: "/models/:name", section: "models", render: (p) => <ModelPage name={p.name ?? ""} /> },
  { pattern: "/deployments", section: "deployments", render: () => <DeploymentsPage /> },
  { pattern: "/deployments/:name", section: "deployments", render: (p) => <DeploymentPage name={p.name ?? ""} /> },
  {
    pattern: "/monitoring",
    section: "monitoring",
    render: (_p, q) => <MonitoringPage name={q.get("deployment") ?? ""} />,
  },
  { pattern: "/monitoring/:name", section: "monitoring", render: (p) => <MonitoringPage name={p.name ?? ""} /> },
  { pattern: "/pipelines", section: "pipelines", render: () => <PipelinesPage /> },
  { pattern: "/pipelines/runs/:id", section: "pipelines", render: (p) => <PipelineRunPage runId={p.id ?? ""} /> },
];

export const NAV: { section: string; label: string; path: string }[] = [
  { section: "experiments", label: "Experiments", path: "/experiments" },
  { section: "datasets", label: "Datasets", path: "/datasets" },
  { section: "models", label: "Models", path: "/models" },
  { section: "deployments", label: "Deployments", path: "/deployments" },
  { section: "monitoring", label: "Monitoring", path: "/monitoring" },
  { section: "pipelines", label: "Pipelines", path: "/pipelines" },
  { section: "access", label: "Access", path: "/access" },
];

/** The route whose pattern matches `path` (first match), with its params, or undefined. */
export function routeFor(path: string): { route: RouteDef; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** Fetch the code of the page at `path` (a hash path), resolved when it can render without suspending. */
export function preloadPage(path: string, query: URLSearchParams): Promise<unknown> {
  const found = routeFor(path);
  const node = found?.route.render(found.params, query);
  const type: unknown = isValidElement(node) ? node.type : undefined;
  const preload = (type as Partial<LazyPage<never>> | undefined)?.preload;
  return typeof preload === "function" ? preload() : Promise.resolve();
}

/** Fetch every page's code (small chunks, cached for good), so later navigation never shows "Loading…". */
export async function preloadAllPages(): Promise<void> {
  for (const p of PAGES) await p.preload().catch(() => undefined);
}
