/** Runs of one experiment: MLflow filter search, server-side sort and paging, picked columns, nesting. */
import type { ReactNode } from "react";
import { useEffect, useMemo, useState } from "react";
import { ColumnPicker } from "../components/runs/column-picker";
import { RunsTable } from "../components/runs/runs-table";
import { Empty, ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { href, replaceQuery } from "../lib/router";
import { defaultColumns, pageKeys } from "../lib/runs/page-keys";
import { arrangeRuns } from "../lib/runs/run-tree";
import type { RunsQuery } from "../lib/runs/runs-query";
import { MAX_COLUMNS, orderByClause, PAGE_SIZE, readRunsQuery, writeRunsQuery } from "../lib/runs/runs-query";
import { useAsync } from "../lib/use-async";

/** `#/experiments/:id` — one search-runs call per page, never all runs. */
export function RunsPage({ experimentId, query }: { experimentId: string; query: URLSearchParams }): ReactNode {
  const state = readRunsQuery(query);
  const path = `/experiments/${experimentId}`;
  const [text, setText] = useState(state.filter);
  // The box follows the URL when it changes from outside (a link, back, Clear).
  useEffect(() => setText(state.filter), [state.filter]);
  // Tokens of the pages before this one, for "Previous page" (the server's tokens only go forward).
  const [prev, setPrev] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const exp = useAsync(() => mlflow.getExperiment({ experiment_id: experimentId }), [experimentId]);
  const runs = useAsync(
    () =>
      mlflow.searchRuns({
        experiment_ids: [experimentId],
        filter: state.filter || undefined,
        order_by: [orderByClause(state.orderKey, state.desc)],
        max_results: PAGE_SIZE,
        page_token: state.page || undefined,
      }),
    [experimentId, state.filter, state.orderKey, state.desc, state.page],
  );
  const pageRuns = runs.data?.runs ?? [];
  const keys = useMemo(() => pageKeys(runs.data?.runs ?? []), [runs.data]);
  const columns = (state.cols ?? defaultColumns(keys)).slice(0, MAX_COLUMNS);
  const rows = useMemo(() => arrangeRuns(runs.data?.runs ?? [], collapsed), [runs.data, collapsed]);

  const go = (next: Partial<RunsQuery>) => replaceQuery(path, writeRunsQuery({ ...state, ...next }));
  const restart = (next: Partial<RunsQuery>) => {
    setPrev([]);
    go({ ...next, page: "" });
  };
  const sort = (key: string) =>
    restart({ orderKey: key, desc: key === state.orderKey ? !state.desc : key !== "attributes.run_name" });
  const toggle = <T,>(set: Set<T>, item: T, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(item);
    else next.delete(item);
    return next;
  };
  const name = exp.data?.experiment.name;
  return (
    <div>
      <p className="muted">
        <a href={href("/experiments")}>Experiments</a> / experiment {experimentId}
      </p>
      <h1>{name ?? (exp.error ? `Experiment ${experimentId}` : "…")}</h1>
      <ErrorBox error={exp.error} />
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          restart({ filter: text.trim() });
        }}
      >
        <input
          aria-label="Search runs"
          placeholder="metrics.roc_auc > 0.8 and params.trees = '100'"
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ flex: "1 1 420px", fontFamily: "ui-monospace, monospace" }}
        />
        <button type="submit" className="primary">
          Search
        </button>
        {state.filter ? (
          <button
            type="button"
            onClick={() => {
              setText("");
              restart({ filter: "" });
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      <ErrorBox error={runs.error} />
      <div className="toolbar">
        <ColumnPicker available={keys} selected={columns} onChange={(cols) => go({ cols })} />
        <button
          type="button"
          className="primary"
          disabled={selected.size < 2}
          onClick={() => {
            // Literal commas (href() would encode them) keep the link readable: #/compare?runs=a,b.
            window.location.hash = `/compare?runs=${[...selected].map(encodeURIComponent).join(",")}`;
          }}
        >
          Compare
        </button>
        {selected.size > 0 ? (
          <>
            <span>{selected.size} selected</span>
            <button type="button" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          </>
        ) : (
          <span className="muted">Select two or more runs to compare</span>
        )}
        <span className="muted" aria-live="polite">
          {runs.loading ? "Loading…" : `Page ${prev.length + 1}: ${pageRuns.length} runs`}
          {state.filter ? " matching the filter" : ""}
        </span>
      </div>
      <Loading when={runs.loading && !runs.data} />
      {runs.data && pageRuns.length === 0 ? (
        <Empty>{state.filter ? "No runs match this filter." : "No runs in this experiment yet."}</Empty>
      ) : null}
      {pageRuns.length > 0 ? (
        <RunsTable
          rows={rows}
          columns={columns}
          orderKey={state.orderKey}
          desc={state.desc}
          onSort={sort}
          selected={selected}
          onSelect={(id, on) => setSelected(toggle(selected, id, on))}
          collapsed={collapsed}
          onToggle={(id) => setCollapsed(toggle(collapsed, id, !collapsed.has(id)))}
        />
      ) : null}
      <div className="toolbar">
        <button
          type="button"
          disabled={!state.page}
          onClick={() => {
            setPrev(prev.slice(0, -1));
            go({ page: prev[prev.length - 1] ?? "" });
          }}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!runs.data?.next_page_token || runs.loading}
          onClick={() => {
            setPrev([...prev, state.page]);
            go({ page: runs.data?.next_page_token ?? "" });
          }}
        >
          Next page
        </button>
      </div>
    </div>
  );
}
