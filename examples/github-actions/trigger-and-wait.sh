#!/usr/bin/env bash
# Start a Modelworks pipeline through the platform API and wait for its run to end.
#   trigger-and-wait.sh PIPELINE [PARAM=VALUE]...
# Environment: MODELWORKS_URL (the platform), MODELWORKS_TOKEN (a token with edit on the pipeline),
# POLL_SECONDS (default 10), TIMEOUT_SECONDS (default 7200).
# Exits 0 when the run succeeded, 1 when it failed or was cancelled (the failed step's log tail is
# printed), 2 when it could not be started or followed. Needs bash, curl and jq. The token is sent
# from a file descriptor, never on a command line.
set -euo pipefail

pipeline=${1:?usage: trigger-and-wait.sh PIPELINE [PARAM=VALUE]...}
shift
: "${MODELWORKS_URL:?set MODELWORKS_URL to the platform address}"
: "${MODELWORKS_TOKEN:?set MODELWORKS_TOKEN to a token with edit on the pipeline}"
poll=${POLL_SECONDS:-10}
timeout=${TIMEOUT_SECONDS:-7200}
api="${MODELWORKS_URL%/}/api/modelworks/v1"

# curl with the token header; prints the body, fails (with the body on stderr) on an HTTP error.
call() {
  local out status
  out=$(mktemp)
  status=$(curl -sS --retry 3 --retry-connrefused -o "$out" -w '%{http_code}' \
    -H @<(printf 'Authorization: Bearer %s\n' "$MODELWORKS_TOKEN") "$@") || { rm -f "$out"; return 2; }
  if [ "$status" -ge 400 ]; then
    echo "HTTP $status: $(jq -r '.message // .' "$out" 2>/dev/null || cat "$out")" >&2
    rm -f "$out"
    return 2
  fi
  cat "$out"
  rm -f "$out"
}

params=$(jq -n '[$ARGS.positional[] | capture("^(?<k>[^=]+)=(?<v>.*)$") | {(.k): .v}] | add // {}' --args "$@")
started=$(call -X POST -H 'Content-Type: application/json' \
  --data "$(jq -n --argjson p "$params" '{params: $p}')" \
  "$api/pipelines/$(jq -rn --arg p "$pipeline" '$p|@uri')/runs") || {
  echo "could not start pipeline '$pipeline'" >&2
  exit 2
}
run=$(jq -r '.run.run_id' <<<"$started")
echo "pipeline $pipeline: run $run started"

deadline=$(( $(date +%s) + timeout ))
while :; do
  detail=$(call "$api/pipelines/runs/$run") || { echo "could not read run $run" >&2; exit 2; }
  status=$(jq -r '.run.status' <<<"$detail")
  case "$status" in
    succeeded)
      echo "pipeline $pipeline: run $run succeeded"
      jq -r '.steps[] | "  \(.step): \(.status)"' <<<"$detail"
      exit 0 ;;
    failed|cancelled)
      echo "pipeline $pipeline: run $run $status: $(jq -r '.run.error // ""' <<<"$detail")" >&2
      jq -r '.steps[] | "  \(.step): \(.status)\(if .error then " (\(.error))" else "" end)"' <<<"$detail" >&2
      step=$(jq -r '[.steps[] | select(.status == "failed")][0].step // empty' <<<"$detail")
      if [ -n "$step" ]; then
        echo "--- log of step $step (tail)" >&2
        call "$api/pipelines/runs/$run/steps/$step/log" | jq -r '.log' | tail -n 40 >&2 || true
      fi
      exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "pipeline $pipeline: run $run still $status after ${timeout}s" >&2
    exit 2
  fi
  sleep "$poll"
done
