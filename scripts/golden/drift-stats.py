#!/usr/bin/python3
"""Writes test-fixtures/drift-golden/cases.json: SciPy/numpy answers for the drift statistics.

Run from the repository root with Debian's Python (numpy 1.24, scipy 1.10, pandas 1.5):

    /usr/bin/python3 scripts/golden/drift-stats.py

Each case is a reference and a current sample plus what SciPy/numpy give for it, computed the way
Evidently (legacy stattests, v0.7) calls them: ks_2samp, wasserstein_distance / max(std, 0.001),
jensenshannon / psi / kl_div on get_binned_data's bins, chisquare on rescaled reference counts, the
two-proportion z-test, and the default test choice. L-infinity (not an Evidently test) is the max
absolute difference of per-value shares.

Small samples are stored as values. Large ones are stored as a generator spec that
src/monitoring/stats/golden.test.ts replays: MINSTD (state = state * 48271 mod 2^31 - 1,
u = state / (2^31 - 1)) with transforms built only from correctly rounded operations (+ - * / sqrt
floor), so both languages produce bit-identical samples. A checksum (plain float sum in generation
order) guards the replay.

The file also holds grids of chi2.sf, kstwo.sf and norm.sf covering every branch of SciPy's code.
"""

import json
import math
import os
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

OUT = os.path.join("test-fixtures", "drift-golden", "cases.json")
MOD = 2147483647
MAX_STORED_LABELS = 200


# ---- deterministic samples ------------------------------------------------------------------


def uniforms(seed):
    state = seed
    while True:
        state = state * 48271 % MOD
        yield state / MOD


def generate(part):
    """One part of a sample spec: {'values': [...]} or {'gen': name, 'n', 'seed', 'params'}."""
    if "values" in part:
        return list(part["values"])
    u = uniforms(part["seed"])
    n, p, gen = part["n"], part.get("params", []), part["gen"]
    out = []
    for _ in range(n):
        if gen == "uniform":
            lo, hi = p
            out.append(lo + (hi - lo) * next(u))
        elif gen == "normal":  # Irwin-Hall: sum of 12 uniforms, centred
            s = 0.0
            for _ in range(12):
                s += next(u)
            out.append(p[0] + p[1] * (s - 6.0))
        elif gen == "heavy":  # ratio of uniforms: Cauchy-like tails
            a = next(u)
            b = next(u)
            out.append(p[0] + p[1] * ((2.0 * a - 1.0) / b))
        elif gen == "int":
            lo, hi = p
            out.append(float(lo + math.floor((hi - lo + 1) * next(u))))
        elif gen == "cat":
            labels, weights = p
            total = 0.0
            cum = []
            for w in weights:
                total += w
                cum.append(total)
            x = next(u) * total
            out.append(labels[next(i for i, c in enumerate(cum) if x < c or i == len(cum) - 1)])
        else:
            raise ValueError(gen)
    return out


def sample(spec):
    values = []
    for part in spec["parts"]:
        values.extend(generate(part))
    return values


def checksum(values):
    if not values or isinstance(values[0], str):
        return len(values)
    s = 0.0
    for v in values:
        s += v
    return s


# ---- Evidently's procedures, restated ---------------------------------------------------------


def union_keys(ref, cur):
    return list(set(ref.dropna().unique()) | set(cur.dropna().unique()))


def binned(ref, cur, numerical, fill):
    """get_binned_data: sturges histogram for numerical columns with > 20 reference values."""
    info = {}
    if numerical and ref.nunique() > 20:
        combined = np.asarray(pd.concat([ref, cur], axis=0).values)
        edges = np.histogram_bin_edges(combined, bins="sturges")
        rc, cc = np.histogram(ref, edges)[0], np.histogram(cur, edges)[0]
        info = {"edges": edges.tolist(), "reference": rc.tolist(), "current": cc.tolist()}
        rp, cp = rc / len(ref), cc / len(cur)
    else:
        keys = union_keys(ref, cur)
        rv, cv = ref.value_counts(), cur.value_counts()
        rp = np.array([rv.get(k, 0) / len(ref) for k in keys])
        cp = np.array([cv.get(k, 0) / len(cur) for k in keys])
        order = sorted(range(len(keys)), key=lambda i: keys[i])
        info = {
            "labels": [keys[i] for i in order],
            "reference": [int(rv.get(keys[i], 0)) for i in order],
            "current": [int(cv.get(keys[i], 0)) for i in order],
        }
        if len(keys) > MAX_STORED_LABELS:  # keep the fixture small: only the label count
            info = {"n_labels": len(keys)}
    if fill:
        for arr in (rp, cp):
            m = min(arr[arr != 0])
            np.place(arr, arr == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp, info


def chisquare(ref, cur):
    keys = union_keys(ref, cur)
    rv, cv = ref.value_counts(), cur.value_counts()
    k = cur.shape[0] / ref.shape[0]
    f_exp = [rv.get(key, 0) * k for key in keys]
    f_obs = [cv.get(key, 0) for key in keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        res = stats.chisquare(f_obs, f_exp)
    return {"statistic": float(res[0]), "pvalue": float(res[1])}


def z_test(ref, cur):
    if ref.nunique() == 1 and cur.nunique() == 1 and ref.unique()[0] == cur.unique()[0]:
        return {"pvalue": 1.0}
    first = sorted(union_keys(ref, cur))[0]
    a = ref.apply(lambda x: 0 if x == first else 1)
    b = cur.apply(lambda x: 0 if x == first else 1)
    n1, n2 = len(a), len(b)
    p1, p2 = float(sum(a)) / n1, float(sum(b)) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return {"statistic": float(z), "pvalue": float(2 * (1 - stats.norm.cdf(np.abs(z))))}


def default_test(ref, cur, numerical):
    n_values = pd.concat([ref, cur]).nunique()
    if ref.shape[0] <= 1000:
        if numerical and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if numerical:
        return "jensenshannon" if n_values <= 5 else "wasserstein"
    return "jensenshannon"


def ks(ref, cur):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(ref, cur)
    method = "exact" if max(len(ref), len(cur)) <= 10000 else "asymp"
    if any("Switching to method=asymp" in str(w.message) for w in caught):
        method = "exact->asymp"
    return {"statistic": float(res.statistic), "pvalue": float(res.pvalue), "method": method}


def expected(ref_values, cur_values, kind):
    numerical = kind == "numerical"
    ref, cur = pd.Series(ref_values), pd.Series(cur_values)
    out = {"n_values": int(pd.concat([ref, cur]).nunique()), "default_test": default_test(ref, cur, numerical)}
    if numerical:
        out["ks"] = ks(ref, cur)
        std = float(np.std(ref))
        wd = float(stats.wasserstein_distance(ref, cur))
        out["wasserstein"] = {"distance": wd, "std": std, "normed": wd / max(std, 0.001)}
    rp, cp, info = binned(ref, cur, numerical, fill=False)
    out["bins"] = info
    out["jensenshannon"] = float(distance.jensenshannon(rp, cp))
    rp, cp, _ = binned(ref, cur, numerical, fill=True)
    out["psi"] = float(np.sum((rp - cp) * np.log(rp / cp)))
    out["kl_div"] = float(stats.entropy(rp, cp))
    out["chisquare"] = chisquare(ref, cur)
    out["z"] = z_test(ref, cur)
    rv, cv = ref.value_counts(normalize=False), cur.value_counts(normalize=False)
    out["linf"] = float(max(abs(rv.get(k, 0) / len(ref) - cv.get(k, 0) / len(cur)) for k in union_keys(ref, cur)))
    return out


# ---- the cases ----------------------------------------------------------------------------------


def vals(*values):
    return {"parts": [{"values": list(values)}]}


def gen(name, n, seed, *params):
    return {"parts": [{"gen": name, "n": n, "seed": seed, "params": list(params)}]}


def parts(*ps):
    return {"parts": [p for spec in ps for p in spec["parts"]]}


CATS = ["a", "b", "c", "d", "e"]
MANY = [f"c{i:02d}" for i in range(50)]

CASES = [
    ("n1 vs n1, different values", "numerical", vals(1.0), vals(2.0)),
    ("n1 vs n1, same value", "numerical", vals(3.5), vals(3.5)),
    ("n2 vs n3", "numerical", vals(0.5, 1.5), vals(1.0, 2.0, 3.0)),
    ("n3 vs n5 with ties", "numerical", vals(1.0, 1.0, 2.0), vals(1.0, 2.0, 2.0, 2.0, 3.0)),
    ("n5 vs n4 disjoint", "numerical", vals(1.0, 2.0, 3.0, 4.0, 5.0), vals(10.0, 11.0, 12.0, 13.0)),
    ("constant reference vs varied current", "numerical", vals(3.0, 3.0, 3.0, 3.0, 3.0), vals(2.0, 3.0, 4.0, 5.0)),
    ("constant, same value both sides", "numerical", vals(*[7.25] * 30), vals(*[7.25] * 40)),
    ("constant, different values", "numerical", vals(*[1.0] * 30), vals(*[2.0] * 20)),
    ("signed zeros and ties", "numerical", vals(-0.0, 0.0, 0.0, 1.0, -1.0, 2.0), vals(0.0, -0.0, 1.0, 1.0, 3.0, 4.0, 5.0)),
    ("four integer levels (chisquare)", "numerical", gen("int", 50, 11, 0, 3), gen("int", 60, 12, 0, 3)),
    ("binary numeric (z)", "numerical", gen("int", 100, 13, 0, 1), gen("int", 80, 14, 0, 1)),
    ("normal 200 vs 300, shift 0.2", "numerical", gen("normal", 200, 21, 0.0, 1.0), gen("normal", 300, 22, 0.2, 1.0)),
    ("normal 500 vs 500 (equal n)", "numerical", gen("normal", 500, 23, 0.0, 1.0), gen("normal", 500, 24, 0.1, 1.0)),
    (
        "near-identical 1000 vs 1000",
        "numerical",
        gen("normal", 1000, 25, 0.0, 1.0),
        parts(gen("normal", 996, 25, 0.0, 1.0), gen("normal", 4, 26, 0.0, 1.0)),
    ),
    ("heavy tails 400 vs 600", "numerical", gen("heavy", 400, 27, 0.0, 1.0), gen("heavy", 600, 28, 0.5, 2.0)),
    ("disjoint supports 100 vs 150", "numerical", gen("uniform", 100, 29, 0.0, 1.0), gen("uniform", 150, 30, 5.0, 6.0)),
    ("exact, tiny p, 300 vs 400", "numerical", gen("normal", 300, 31, 0.0, 1.0), gen("normal", 400, 32, 1.5, 1.0)),
    ("exact, tiny p, 1000 vs 1000", "numerical", gen("normal", 1000, 33, 0.0, 1.0), gen("normal", 1000, 34, 1.0, 1.0)),
    ("exact 5k vs 8k", "numerical", gen("normal", 5000, 35, 0.0, 1.0), gen("normal", 8000, 36, 0.03, 1.0)),
    ("exact 10000 vs 10000 (boundary)", "numerical", gen("normal", 10000, 37, 0.0, 1.0), gen("normal", 10000, 38, 0.02, 1.0)),
    ("asymptotic 10000 vs 10001", "numerical", gen("normal", 10000, 39, 0.0, 1.0), gen("normal", 10001, 40, 0.0, 1.0)),
    ("asymptotic 20k vs 30k, same law", "numerical", gen("normal", 20000, 41, 0.0, 1.0), gen("normal", 30000, 42, 0.0, 1.0)),
    ("asymptotic 20k vs 30k, shift", "numerical", gen("normal", 20000, 43, 0.0, 1.0), gen("normal", 30000, 44, 0.05, 1.0)),
    ("asymptotic 20k vs 30k, p = 0", "numerical", gen("normal", 20000, 45, 0.0, 1.0), gen("normal", 30000, 46, 1.0, 1.0)),
    ("asymptotic 50 vs 20000", "numerical", gen("normal", 50, 47, 0.0, 1.0), gen("normal", 20000, 48, 0.3, 1.0)),
    ("asymptotic 3 vs 20000", "numerical", gen("normal", 3, 49, 0.0, 1.0), gen("normal", 20000, 50, 0.0, 1.0)),
    ("asymptotic 1 vs 12000", "numerical", vals(0.25), gen("uniform", 12000, 51, 0.0, 1.0)),
    (
        "asymptotic 20k vs 20k, nearly equal",
        "numerical",
        gen("normal", 20000, 52, 0.0, 1.0),
        parts(gen("normal", 19990, 52, 0.0, 1.0), gen("normal", 10, 53, 0.0, 1.0)),
    ),
    ("sturges at size 1024", "numerical", gen("uniform", 512, 54, 0.0, 10.0), gen("uniform", 512, 55, 0.5, 10.5)),
    ("12 values, current has more", "numerical", gen("int", 300, 56, 1, 12), gen("int", 200, 57, 5, 30)),
    ("large magnitudes, negatives", "numerical", gen("normal", 700, 58, -1e9, 3e8), gen("normal", 900, 59, -1.1e9, 3e8)),
    ("wasserstein default, 1500 vs 2000", "numerical", gen("heavy", 1500, 60, 0.0, 1.0), gen("heavy", 2000, 61, 0.1, 1.0)),
    ("constant large reference", "numerical", vals(*[2.0] * 1200), gen("int", 900, 62, 1, 3)),
    ("categorical, three levels", "categorical", gen("cat", 300, 71, CATS[:3], [1.0, 2.0, 3.0]), gen("cat", 200, 72, CATS[:3], [1.0, 1.0, 1.0])),
    ("categorical, level only in current", "categorical", gen("cat", 300, 73, CATS[:3], [1.0, 1.0, 1.0]), gen("cat", 250, 74, CATS[:4], [1.0, 1.0, 1.0, 0.3])),
    ("categorical, level only in reference", "categorical", gen("cat", 300, 75, CATS, [1.0, 1.0, 1.0, 1.0, 0.2]), gen("cat", 250, 76, CATS[:4], [1.0, 1.0, 1.0, 1.0])),
    ("categorical, same single value", "categorical", vals(*["yes"] * 40), vals(*["yes"] * 25)),
    ("categorical, different single values", "categorical", vals(*["yes"] * 40), vals(*["no"] * 25)),
    ("categorical, binary mix", "categorical", gen("cat", 500, 77, ["no", "yes"], [3.0, 1.0]), gen("cat", 700, 78, ["no", "yes"], [2.0, 1.0])),
    ("categorical, 50 levels, 2000 vs 3000", "categorical", gen("cat", 2000, 79, MANY, [1.0 + i % 7 for i in range(50)]), gen("cat", 3000, 80, MANY, [1.0 + i % 5 for i in range(50)])),
    ("categorical, astral and accented text", "categorical", vals("é", "z", "😀", "ｚ", "z", "é"), vals("😀", "😀", "z", "ｚ", "a")),
]


def encode(x):
    """JSON has no inf/nan: write them as strings the test decodes."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return encode(x.item())
    return x


def grids():
    chi2 = []
    for df in [1, 2, 3, 5, 10, 49, 100, 999, 5000]:
        for q in [1e-250, 1e-60, 1e-12, 1e-4, 0.03, 0.5, 0.97]:
            x = float(stats.chi2.isf(q, df))
            chi2.append([df, x, float(stats.chi2.sf(x, df))])
    kstwo = []
    for n in [1, 2, 5, 30, 140, 141, 1000, 12000, 100000, 500000]:
        for c in [0.01, 0.3, 0.75, 1.0, 2.0, 3.9, 4.1, 2.1, 2.3, 17.0, 100.0, 360.0]:
            x = math.sqrt(c / n)
            if 0 < x < 1:
                kstwo.append([n, x, float(stats.kstwo.sf(x, n))])
        for x in [0.6 / n, 0.9 / n, 1.2 / n, 0.5, 0.7, 1 - 0.5 / n]:
            if 0 < x < 1:
                kstwo.append([n, x, float(stats.kstwo.sf(x, n))])
    normal = [[z, float(stats.norm.sf(z))] for z in [-3.0, -0.5, 0.0, 0.3, 0.7071, 1.0, 2.5, 6.0, 8.5, 12.0, 38.0]]
    return {"chi2_sf": chi2, "kstwo_sf": kstwo, "norm_sf": normal}


def main():
    cases = []
    for name, kind, ref_spec, cur_spec in CASES:
        ref, cur = sample(ref_spec), sample(cur_spec)
        for spec, values in ((ref_spec, ref), (cur_spec, cur)):
            spec["n"] = len(values)
            spec["checksum"] = checksum(values)
        cases.append({"name": name, "kind": kind, "reference": ref_spec, "current": cur_spec, "expected": expected(ref, cur, kind)})
    doc = {
        "generated_with": {"numpy": np.__version__, "scipy": __import__("scipy").__version__, "pandas": pd.__version__},
        "cases": cases,
        "grids": grids(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(encode(doc), f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
