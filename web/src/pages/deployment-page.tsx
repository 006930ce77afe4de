/** One deployment: resolved variants, live traffic, the latest rollout with its checks, and the events. */
import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import { EventsTable } from "../components/ops/events-table";
import { RolloutPanel } from "../components/ops/rollout-panel";
import { ServingTable } from "../components/ops/serving-table";
import { TrafficTable } from "../components/ops/traffic-table";
import { Badge, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatNumber, formatTime } from "../lib/format";
import type { ResolvedRef } from "../lib/ops/refs";
import { resolveRef } from "../lib/ops/refs";
import { isActivePhase, mergeEvents } from "../lib/ops/rollout-view";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** `#/deployments/:name`; polls every 2 s while a rollout is active (else every 15 s). */
export function DeploymentPage({ name }: { name: string }): ReactNode {
  const [active, setActive] = useState(false);
  // Bumped after promote, abort or rollback so the traffic table shows the new split at once.
  const [actions, setActions] = useState(0);
  const state = useAsync(
    async () => {
      const [dep, events, rollouts] = await Promise.all([
        platform.getDeployment({ name }),
        platform.listDeploymentEvents({ name, limit: 100 }),
        platform.listRollouts({ name, limit: 1 }),
      ]);
      // Ask for the rollout's events only when there is one (the route answers 404 otherwise).
      const rollout = rollouts.rollouts.length ? await platform.getRollout({ name }) : undefined;
      const d = dep.deployment;
      const refs = await Promise.all([resolveRef(d.primary), ...(d.candidate ? [resolveRef(d.candidate)] : [])]);
      return { deployment: d, serving: dep.serving, events: events.events, rollout, refs };
    },
    [name],
    active ? 2000 : 15000,
  );
  const phase = state.data?.rollout?.rollout.phase;
  useEffect(() => setActive(isActivePhase(phase)), [phase]);
  const data = state.data;
  const d = data?.deployment;
  const events = data ? mergeEvents(data.events, data.rollout?.events ?? []) : [];
  return (
    <>
      <p className="muted" style={{ margin: "0 0 4px" }}>
        <a href={href("/deployments")}>Deployments</a>
      </p>
      <h1>{name}</h1>
      <ErrorBox error={state.error} />
      <Loading when={state.loading && !data} />
      {d && data ? (
        <>
          <div className="cards">
            <RefCard label="Primary" resolved={pinned(d.primary_version, data.refs[0])} />
            <RefCard label={d.shadow ? "Candidate (shadow)" : "Candidate"} resolved={data.refs[1]} />
            <div className="card">
              <div className="label">Candidate weight</div>
              <div className="value">
                {d.shadow ? "shadow" : d.candidate ? `${formatNumber(d.candidate_weight)}%` : "–"}
              </div>
            </div>
            <div className="card">
              <div className="label">State</div>
              <div className="value">
                <Badge tone={d.status === "active" ? "ok" : undefined}>{d.status}</Badge>
              </div>
              <div className="muted">
                generation {d.generation} · updated {formatTime(d.updated_time)}
              </div>
            </div>
            <div className="card">
              <div className="label">On alias change</div>
              <div className="value">{d.on_alias_change}</div>
              <div className="muted">
                {d.on_alias_change === "swap"
                  ? "the new version serves all traffic at once"
                  : `canary: ${d.rollout.steps.join(", ")} % every ${formatNumber(d.rollout.interval_ms / 1000)} s`}
              </div>
            </div>
            <div className="card">
              <div className="label">Monitoring</div>
              <div className="value">
                <a href={href(`/monitoring/${encodeURIComponent(name)}`)}>drift &amp; performance</a>
              </div>
            </div>
          </div>
          {d.description ? <p>{d.description}</p> : null}
          <h2>Traffic</h2>
          <TrafficTable name={name} refresh={actions} />
          <h2>Serving processes</h2>
          <ServingTable serving={data.serving} />
          <h2>Rollout</h2>
          {data.rollout ? (
            <RolloutPanel
              name={name}
              rollout={data.rollout.rollout}
              events={data.rollout.events}
              onChanged={() => {
                state.reload();
                setActions((n) => n + 1);
              }}
            />
          ) : (
            <p className="muted">
              No rollouts yet: <code>modelworks rollout start {name} --candidate MODEL/VERSION</code>.
            </p>
          )}
          <h2>Events</h2>
          <EventsTable events={events} />
        </>
      ) : null}
    </>
  );
}

/**
 * A pinned primary serves its pinned version, not what its alias names now (a move of the alias is
 * rolled out as a canary): show the served version, and where the alias points when it differs.
 */
function pinned(version: string | undefined, resolved: ResolvedRef | undefined): ResolvedRef | undefined {
  if (version === undefined || !resolved || resolved.version === version) return resolved;
  const now = resolved.version ? `now v${resolved.version}` : "unresolved";
  return { ...resolved, version, ref: `${resolved.ref} (alias ${now})` };
}

function RefCard({ label, resolved }: { label: string; resolved: ResolvedRef | undefined }): ReactNode {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value">
        {resolved ? (
          <a href={href(`/models/${encodeURIComponent(resolved.model)}`)}>
            {resolved.model}
            {resolved.version ? ` v${resolved.version}` : ""}
          </a>
        ) : (
          "–"
        )}
      </div>
      {resolved ? (
        <div className="muted">
          {resolved.ref}
          {resolved.error ? ` (unresolved: ${resolved.error})` : ""}
        </div>
      ) : null}
    </div>
  );
}
