#!/usr/bin/python3
"""A scikit-learn champion and an XGBoost challenger on Telco churn, for the end-to-end test of
bringing your own models through the gate and a canary rollout (src/runtimes/champion-challenger-e2e.test.ts).

Run from the repository root with Debian's Python (python3-sklearn, python3-cloudpickle,
python3-pandas, python3-xgboost 1.7.x, python3-yaml):

    /usr/bin/python3 test-fixtures/runtimes/champion-challenger/make-fixtures.py

MLflow is not needed: each folder is written as MLflow 2.12's `log_model` writes it, by hand.
Both models read the same numeric table (Telco's numbers plus 0/1 indicators of its strongest
categories), so the gate scores them on one holdout:

  champion-sklearn     StandardScaler + LogisticRegression on tenure and MonthlyCharges only
                       (deliberately weak), cloudpickle, `sklearn` + `python_function` flavors
  challenger-xgboost   XGBClassifier on every column, MLflow 2.x's default legacy binary model.xgb,
                       `xgboost` + `python_function` flavors
  holdout.csv          the rows after the training rows, with the label `churned` (0/1)
  expected.json        each model's P(churned) for the first 20 holdout rows (its framework's own)
"""
import importlib.metadata
import json
import os
import platform
import shutil

import cloudpickle
import numpy as np
import pandas as pd
import sklearn
import xgboost as xgb
import yaml
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared-data", "telco-churn.csv")
TRAIN_ROWS = 5000
LABEL = "churned"
COLUMNS = [("tenure", "long"), ("SeniorCitizen", "long"), ("MonthlyCharges", "double"), ("TotalCharges", "double"),
           ("contract_one_year", "long"), ("contract_two_year", "long"), ("fiber_optic", "long"),
           ("paperless_billing", "long"), ("electronic_check", "long")]
CHAMPION_COLUMNS = ["tenure", "MonthlyCharges"]
PY = platform.python_version()


def numeric_table():
    df = pd.read_csv(DATA)
    out = pd.DataFrame({
        "tenure": df["tenure"].astype(np.int64),
        "SeniorCitizen": df["SeniorCitizen"].astype(np.int64),
        "MonthlyCharges": df["MonthlyCharges"].astype(float),
        # Blank for new customers: missing, as the CSV reader sees it.
        "TotalCharges": pd.to_numeric(df["TotalCharges"].str.strip(), errors="coerce"),
        "contract_one_year": (df["Contract"] == "One year").astype(np.int64),
        "contract_two_year": (df["Contract"] == "Two year").astype(np.int64),
        "fiber_optic": (df["InternetService"] == "Fiber optic").astype(np.int64),
        "paperless_billing": (df["PaperlessBilling"] == "Yes").astype(np.int64),
        "electronic_check": (df["PaymentMethod"] == "Electronic check").astype(np.int64),
    })
    out[LABEL] = (df["Churn"] == "Yes").astype(np.int64)
    return out


def signature(names):
    kinds = dict(COLUMNS)
    return json.dumps([{"type": kinds[n], "name": n, "required": True} for n in names])


def write_common(folder, requirements, flavors):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "requirements.txt"), "w") as f:
        f.write("mlflow==2.12.2\n")
        f.writelines(f"{p}=={importlib.metadata.version(p)}\n" for p in requirements)
    with open(os.path.join(folder, "python_env.yaml"), "w") as f:
        f.write(f"python: {PY}\nbuild_dependencies:\n- pip==23.0.1\n- setuptools==66.1.1\n- wheel==0.38.4\n")
        f.write("dependencies:\n- -r requirements.txt\n")
    with open(os.path.join(folder, "conda.yaml"), "w") as f:
        f.write(f"channels:\n- conda-forge\ndependencies:\n- python={PY}\n- pip\n")
    return flavors


def write_mlmodel(folder, name, flavors, names):
    doc = {
        "artifact_path": "model",
        "flavors": flavors,
        "mlflow_version": "2.12.2",
        "model_size_bytes": 0,
        "model_uuid": f"fixture-{name}",
        "run_id": "0123456789abcdef0123456789abcdef",
        "signature": {"inputs": signature(names), "outputs": None, "params": None},
        "utc_time_created": "2024-06-01 12:00:00.000000",
    }
    with open(os.path.join(folder, "MLmodel"), "w") as f:
        f.write(yaml.safe_dump(doc, default_flow_style=False))


def champion(train):
    model = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                      ("clf", LogisticRegression(max_iter=1000))])
    model.fit(train[CHAMPION_COLUMNS], train[LABEL])
    folder = os.path.join(HERE, "champion-sklearn")
    env = {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    flavors = write_common(folder, ["cloudpickle", "numpy", "pandas", "scikit-learn", "scipy"], {
        "python_function": {"env": env, "loader_module": "mlflow.sklearn", "model_path": "model.pkl",
                            "predict_fn": "predict", "python_version": PY},
        "sklearn": {"code": None, "pickled_model": "model.pkl", "serialization_format": "cloudpickle",
                    "sklearn_version": sklearn.__version__},
    })
    with open(os.path.join(folder, "model.pkl"), "wb") as f:
        cloudpickle.dump(model, f)
    write_mlmodel(folder, "champion-sklearn", flavors, CHAMPION_COLUMNS)
    return lambda x: model.predict_proba(x[CHAMPION_COLUMNS])[:, 1]


def challenger(train):
    names = [n for n, _ in COLUMNS]
    clf = xgb.XGBClassifier(n_estimators=80, max_depth=3, learning_rate=0.1, random_state=7, n_jobs=1)
    clf.fit(train[names], train[LABEL])
    folder = os.path.join(HERE, "challenger-xgboost")
    env = {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    flavors = write_common(folder, ["xgboost"], {
        "python_function": {"data": "model.xgb", "env": env, "loader_module": "mlflow.xgboost", "python_version": PY},
        "xgboost": {"code": None, "data": "model.xgb", "model_class": "xgboost.sklearn.XGBClassifier",
                    "model_format": "xgb", "xgb_version": xgb.__version__},
    })
    clf.save_model(os.path.join(folder, "model.xgb"))
    write_mlmodel(folder, "challenger-xgboost", flavors, names)
    return lambda x: clf.predict_proba(x[names])[:, 1]


def main():
    table = numeric_table()
    train, holdout = table.iloc[:TRAIN_ROWS], table.iloc[TRAIN_ROWS:].reset_index(drop=True)
    score_champion = champion(train)
    score_challenger = challenger(train)
    holdout.to_csv(os.path.join(HERE, "holdout.csv"), index=False)
    head = holdout.head(20)
    rows = [{k: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()}
            for r in head.drop(columns=[LABEL]).to_dict(orient="records")]
    auc = sklearn.metrics.roc_auc_score
    doc = {
        "rows": rows,
        "champion": score_champion(head).tolist(),
        "challenger": score_challenger(head).tolist(),
        "holdout_roc_auc": {"champion": auc(holdout[LABEL], score_champion(holdout)),
                            "challenger": auc(holdout[LABEL], score_challenger(holdout))},
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("holdout ROC AUC", doc["holdout_roc_auc"])


if __name__ == "__main__":
    import sklearn.metrics  # noqa: F401  (roc_auc_score)
    main()
