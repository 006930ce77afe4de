"""pandas side of the point-in-time join benchmark: read the same CSV files, then for each view
merge_asof(direction="backward", by the join key, tolerance = the view's ttl) onto the entity rows,
sources sorted by (event time, created time) so ties go to the latest created row, then back in
entity order. Prints timings, peak RSS and the same checksums as result-checksums.ts as one JSON line.

    /usr/bin/python3 bench/features/pandas_pit_join.py DIR VIEWS_JSON REPEAT

The join runs REPEAT times on the frames read once; "join" is the median.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

CHECKED = ["minutes", "spend", "sessions", "balance", "plan", "satisfaction"]
M = 2147483647


def checksums(df):
    out = {}
    for name in CHECKED:
        if name not in df:
            continue
        col = df[name]
        present = int(col.notna().sum())
        if col.dtype == object:
            counts = col.dropna().value_counts()
            out[name] = {"present": present, "counts": {k: int(v) for k, v in counts.items()}}
            continue
        mask = col.notna().to_numpy()
        rows = np.arange(1, len(col) + 1, dtype=np.int64)[mask]
        cents = np.rint(col.to_numpy()[mask] * 100).astype(np.int64)
        weighted = 0
        # Chunks keep every partial sum far below 2^63 before the modulo.
        for s in range(0, len(rows), 1_000_000):
            weighted = (weighted + int(np.sum(rows[s:s + 1_000_000] * cents[s:s + 1_000_000]) % M)) % M
        out[name] = {"present": present, "weighted": weighted}
    return out


def join(entities, sources, views):
    left = entities.reset_index().sort_values("event_timestamp", kind="mergesort")
    for v in views:
        src = sources[v["name"]]
        order = ["ts", "created"] if v["created"] else ["ts"]
        right = src.sort_values(order, kind="mergesort").drop(columns=[c for c in ("created",) if c in src])
        ttl = pd.Timedelta(days=v["ttlDays"]) if v["ttlDays"] > 0 else None
        left = pd.merge_asof(
            left,
            right,
            left_on="event_timestamp",
            right_on="ts",
            by="customer_id",
            direction="backward",
            allow_exact_matches=True,
            tolerance=ttl,
        ).drop(columns=["ts"])
    return left.sort_values("index").drop(columns=["index"]).reset_index(drop=True)


def main():
    folder, views_json = sys.argv[1], sys.argv[2]
    repeat = max(1, int(sys.argv[3])) if len(sys.argv) > 3 else 1
    views = json.loads(views_json)
    t0 = time.perf_counter()
    entities = pd.read_csv(os.path.join(folder, "entities.csv"), parse_dates=["event_timestamp"])
    sources = {}
    for v in views:
        dates = ["ts", "created"] if v["created"] else ["ts"]
        sources[v["name"]] = pd.read_csv(os.path.join(folder, v["name"] + ".csv"), parse_dates=dates)
    t1 = time.perf_counter()

    joins = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = join(entities, sources, views)
        joins.append(time.perf_counter() - t)
    median = sorted(joins)[len(joins) // 2]

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({
        "read": t1 - t0,
        "join": median,
        "joins": joins,
        "total": (t1 - t0) + joins[0],
        "peak_rss_mb": int(peak),
        "rows": int(len(result)),
        "columns": list(result.columns),
        "checks": checksums(result),
    }))


main()
