#!/usr/bin/python3
"""A scikit-learn churn classifier that can be made slow per request, for the test that kills a
Python worker while it scores (src/cli/commands/python-worker-kill-e2e.test.ts).

Run from the repository root with Debian's Python (python3-sklearn, python3-cloudpickle, python3-pandas):

    /usr/bin/python3 test-fixtures/runtimes/slow-sklearn/make-fixtures.py

Writes `classifier/` in MLflow 2.x's layout (MLmodel with `python_function` and `sklearn` flavors,
model.pkl by cloudpickle, requirements.txt, python_env.yaml) and `expected.json`. The model is
SimpleImputer + StandardScaler + LogisticRegression on Telco's tenure and MonthlyCharges (label
Churn "Yes" -> 1), wrapped in a classifier defined here (pickled by value) whose predict_proba first
sleeps max(delay_s) seconds over the batch (missing counts as 0). `expected.json` holds rows and
P(churn) for each.
"""
import importlib.metadata
import json
import os
import platform
import shutil
import time

import cloudpickle
import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared-data", "telco-churn.csv")
FEATURES = ["tenure", "MonthlyCharges"]
PY = platform.python_version()


class SlowClassifier(ClassifierMixin, BaseEstimator):
    """Delegates to `inner` after sleeping max(delay_s) seconds."""

    def __init__(self, inner=None):
        self.inner = inner

    def fit(self, X, y):
        self.inner.fit(X[FEATURES], y)
        self.classes_ = self.inner.classes_
        self.feature_names_in_ = np.array(FEATURES + ["delay_s"], dtype=object)
        return self

    def predict_proba(self, X):
        delay = np.nan_to_num(pd.to_numeric(X["delay_s"], errors="coerce").to_numpy(dtype=float), nan=0.0)
        if len(delay) and delay.max() > 0:
            time.sleep(float(delay.max()))
        return self.inner.predict_proba(X[FEATURES])

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def main():
    df = pd.read_csv(DATA)
    y = (df["Churn"] == "Yes").astype(np.int64)
    x = df[FEATURES].assign(delay_s=0.0)
    inner = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                      ("clf", LogisticRegression(max_iter=1000))])
    model = SlowClassifier(inner).fit(x, y)
    out = os.path.join(HERE, "classifier")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "model.pkl"), "wb") as f:
        cloudpickle.dump(model, f)
    with open(os.path.join(out, "requirements.txt"), "w") as f:
        f.write("mlflow==2.12.2\n")
        f.writelines(f"{p}=={importlib.metadata.version(p)}\n" for p in ["cloudpickle", "numpy", "pandas", "scikit-learn"])
    with open(os.path.join(out, "python_env.yaml"), "w") as f:
        f.write(f"python: {PY}\nbuild_dependencies:\n- pip==23.0.1\n- setuptools==66.1.1\n- wheel==0.38.4\n")
        f.write("dependencies:\n- -r requirements.txt\n")
    signature = json.dumps([{"type": "long", "name": "tenure", "required": True},
                            {"type": "double", "name": "MonthlyCharges", "required": True},
                            {"type": "double", "name": "delay_s", "required": True}])
    with open(os.path.join(out, "MLmodel"), "w") as f:
        f.write("\n".join([
            "artifact_path: model",
            "flavors:",
            "  python_function:",
            "    env:",
            "      virtualenv: python_env.yaml",
            "    loader_module: mlflow.sklearn",
            "    model_path: model.pkl",
            "    predict_fn: predict",
            f"    python_version: {PY}",
            "  sklearn:",
            "    code: null",
            "    pickled_model: model.pkl",
            "    serialization_format: cloudpickle",
            f"    sklearn_version: {sklearn.__version__}",
            "mlflow_version: 2.12.2",
            "model_uuid: fixture-slow-sklearn",
            "run_id: 0123456789abcdef0123456789abcdef",
            "signature:",
            f"  inputs: '{signature}'",
            "  outputs: null",
            "  params: null",
            "utc_time_created: '2024-06-01 12:00:00.000000'",
        ]) + "\n")
    rows = df[FEATURES].head(40)
    doc = {"rows": rows.values.tolist(), "columns": FEATURES,
           "expected": model.predict_proba(rows.assign(delay_s=0.0))[:, 1].tolist()}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
