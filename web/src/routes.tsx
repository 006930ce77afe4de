/** The route table: hash path pattern → page. Order matters (first match wins). */
import type { ReactNode } from "react";
import { ComparePage } from "./pages/compare-page";
import { DatasetPage } from "./pages/dataset-page";
import { DatasetsPage } from "./pages/datasets-page";
import { DeploymentPage } from "./pages/deployment-page";
import { DeploymentsPage } from "./pages/deployments-page";
import { ExperimentsPage } from "./pages/experiments-page";
import { ModelPage } from "./pages/model-page";
import { ModelsPage } from "./pages/models-page";
import { MonitoringPage } from "./pages/monitoring-page";
import { PipelineRunPage } from "./pages/pipeline-run-page";
import { PipelinesPage } from "./pages/pipelines-page";
import { RunPage } from "./pages/run-page";
import { RunsPage } from "./pages/runs-page";

export interface RouteDef {
  pattern: string;
  /** Which nav entry is highlighted. */
  section: string;
  render: (params: Record<string, string>, query: URLSearchParams) => ReactNode;
}

export const ROUTES: RouteDef[] = [
  { pattern: "/", section: "experiments", render: () => <ExperimentsPage /> },
  { pattern: "/experiments", section: "experiments", render: () => <ExperimentsPage /> },
  {
    pattern: "/experiments/:id",
    section: "experiments",
    render: (p, q) => <RunsPage experimentId={p.id ?? ""} query={q} />,
  },
  { pattern: "/compare", section: "experiments", render: (_p, q) => <ComparePage query={q} /> },
  { pattern: "/runs/:id", section: "experiments", render: (p, q) => <RunPage runId={p.id ?? ""} query={q} /> },
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
];
