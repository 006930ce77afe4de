#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL on 127.0.0.1 for tests.
#   scripts/ci/postgres.sh start DIR PORT   → prints the connection URI
#   scripts/ci/postgres.sh stop DIR
#   scripts/ci/postgres.sh halt DIR fast|immediate   → stop as a crash or failover would (fault tests)
#   scripts/ci/postgres.sh resume DIR                → start again on the same port
set -euo pipefail
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; fi
run_as_pg() { if [ "$(id -un)" = postgres ]; then bash -c "cd / && $1"; else su postgres -s /bin/bash -c "cd / && $1"; fi; }
pg_start() {
  run_as_pg "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -o \"-c listen_addresses=127.0.0.1 -p $1 -k '$dir' -c fsync=off\" -w start >/dev/null"
}
case "$cmd" in
  start)
    port=$3
    mkdir -p "$dir"
    chown postgres "$dir" 2>/dev/null || true
    run_as_pg "$bin/initdb -D '$dir/data' -A trust -U postgres --no-sync --no-locale -E UTF8 >'$dir/initdb.log' 2>&1"
    echo "$port" >"$dir/port"
    pg_start "$port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$dir/data" ] && run_as_pg "$bin/pg_ctl -D '$dir/data' -m fast -w stop >/dev/null" || true
    ;;
  halt)
    run_as_pg "$bin/pg_ctl -D '$dir/data' -m '$3' -w stop >/dev/null"
    ;;
  resume)
    pg_start "$(cat "$dir/port")"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR | halt DIR fast|immediate | resume DIR" >&2; exit 2 ;;
esac
