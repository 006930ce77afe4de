"""SciPy anchor for bench/drift: the same statistics on the same columns, timed per test.

Reads the columns the TypeScript bench wrote (float64 / int32 little-endian files) and prints JSON
with the seconds each family of tests took. Run with Debian's /usr/bin/python3 (numpy + scipy).
"""
import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance


def load(folder, meta):
    cols = {}
    for c in meta["columns"]:
        dtype = np.float64 if c["kind"] == "numerical" else np.int32
        cols[c["name"]] = (
            np.fromfile(f"{folder}/ref-{c['name']}.bin", dtype=dtype),
            np.fromfile(f"{folder}/cur-{c['name']}.bin", dtype=dtype),
            c["kind"],
        )
    return cols


def js_binned(ref, cur, kind):
    # Evidently's get_binned_data: sturges edges over both sides for numbers, value shares otherwise.
    if kind == "numerical" and len(np.unique(ref)) > 20:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        r = np.histogram(ref, edges)[0] / len(ref)
        c = np.histogram(cur, edges)[0] / len(cur)
    else:
        keys = np.union1d(np.unique(ref), np.unique(cur))
        r = np.array([np.sum(ref == k) for k in keys]) / len(ref)
        c = np.array([np.sum(cur == k) for k in keys]) / len(cur)
    return distance.jensenshannon(r, c)


def main():
    folder = sys.argv[1]
    meta = json.load(open(f"{folder}/meta.json"))
    cols = load(folder, meta)
    numeric = [(r, c) for r, c, k in cols.values() if k == "numerical"]
    categorical = [(r, c) for r, c, k in cols.values() if k == "categorical"]
    out = {}
    t = time.perf_counter()
    for r, c in numeric:
        stats.ks_2samp(r, c)
    out["ks_numeric_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for r, c in numeric:
        stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
    out["wasserstein_numeric_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for r, c in categorical:
        js_binned(r, c, "categorical")
    out["jensenshannon_categorical_s"] = time.perf_counter() - t
    out["scipy"] = __import__("scipy").__version__
    print(json.dumps(out))


main()
