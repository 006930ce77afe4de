#!/usr/bin/python3
"""Writes the lightgbm-runtime fixtures of scikit-learn wrappers: MLflow 2.x folders whose
`model.pkl` is an LGBMClassifier / LGBMRegressor pickled as `mlflow.lightgbm.log_model` pickles
it (cloudpickle, MLflow 2.x; plain pickle is `serialization_format="pickle"` in MLflow 3).

LightGBM cannot be installed here, so the wrappers are stand-ins: classes named
`lightgbm.sklearn.LGBMClassifier` / `LGBMRegressor` and `lightgbm.basic.Booster`, written to a
temporary folder at run time, whose instances carry the attributes LightGBM 4.x's own carry after
`fit` (python-package/lightgbm/sklearn.py `LGBMModel.__init__`, `fit`, `LGBMClassifier.fit`;
basic.py `Booster.__init__`, `train`) and pickle the same way (`Booster.__getstate__` stores the
model string under `_handle`; the label encoder is scikit-learn's `LabelEncoder`; `best_score` is
a `defaultdict(OrderedDict)`). The booster inside each is one of this project's synthetic
LightGBM models (src/runtimes/lightgbm/test-support/synthetic-model.ts), so the tests compute the
expected scores with their reference evaluator: the pickled structure is reconstructed from
LightGBM's source, the boosters and scores are ours.

From the repository root, with Debian's Python (numpy, scikit-learn, cloudpickle, yaml):

    node --import tsx test-fixtures/runtimes/lightgbm/write-synthetic.ts /tmp/lgb-synthetic
    /usr/bin/python3 test-fixtures/runtimes/lightgbm/make-sklearn-fixtures.py /tmp/lgb-synthetic
"""

import json
import os
import pickle
import shutil
import sys
import tempfile

OUT = os.path.dirname(os.path.abspath(__file__))

BASIC = '''
from collections import OrderedDict, defaultdict


class Booster:
    """Stand-in for lightgbm.basic.Booster after lightgbm.train(...) (keep_training_booster=False)."""

    def __init__(self, model_str, num_class, best_iteration, params):
        self._handle = object()
        self._network = False
        self.__need_reload_eval_info = True
        self._train_data_name = "training"
        self.__set_objective_to_none = False
        self.best_iteration = best_iteration
        self.best_score = defaultdict(OrderedDict)
        self.best_score["valid_0"]["binary_logloss"] = 0.25
        self.name_valid_sets = []
        self.__num_dataset = 1
        self.__num_class = num_class
        self.pandas_categorical = None
        self.train_set_version = 0
        self.params = params
        self.__attr = {}
        self.__model_str = model_str

    def model_to_string(self, num_iteration=None):
        return self.__model_str

    def __getstate__(self):
        this = self.__dict__.copy()
        handle = this["_handle"]
        this.pop("train_set", None)
        this.pop("valid_sets", None)
        this.pop("_Booster__model_str")
        if handle is not None:
            this["_handle"] = self.model_to_string(num_iteration=-1)
        return this
'''

SKLEARN = '''
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.preprocessing import LabelEncoder

from .basic import Booster


class LGBMModel(BaseEstimator):
    def __init__(self, boosting_type="gbdt", objective=None, num_leaves=31, max_depth=-1, learning_rate=0.1,
                 n_estimators=100, subsample_for_bin=200000, class_weight=None, min_split_gain=0.0,
                 min_child_weight=1e-3, min_child_samples=20, subsample=1.0, subsample_freq=0,
                 colsample_bytree=1.0, reg_alpha=0.0, reg_lambda=0.0, random_state=None, n_jobs=None,
                 importance_type="split"):
        for name, value in locals().items():
            if name != "self":
                setattr(self, name, value)
        self._Booster = None
        self._evals_result = {}
        self._best_score = {}
        self._best_iteration = -1
        self._other_params = {}
        self._objective = objective
        self._class_weight = None
        self._class_map = None
        self._n_features = -1
        self._n_features_in = -1
        self._classes = None
        self._n_classes = -1

    def stand_in_fit(self, model_str, objective, n_features, num_class, best_iteration=-1):
        self._objective = objective
        self._n_features_in = n_features
        self._Booster = Booster(model_str, num_class, best_iteration, {"objective": objective, "verbose": -1})
        self._n_features = n_features
        self._evals_result = {"valid_0": {"loss": [0.5, 0.4]}}
        self._best_iteration = best_iteration
        self._best_score = self._Booster.best_score
        self.fitted_ = True
        return self


class LGBMRegressor(LGBMModel):
    pass


class LGBMClassifier(LGBMModel):
    def stand_in_classes(self, y):
        self._le = LabelEncoder().fit(y)
        self._class_map = dict(zip(self._le.classes_, self._le.transform(self._le.classes_)))
        self._classes = self._le.classes_
        self._n_classes = len(self._classes)
        return self
'''


def mlmodel(model_class, inputs):
    import yaml

    doc = {
        "artifact_path": "model",
        "flavors": {
            "lightgbm": {"code": None, "data": "model.pkl", "lgb_version": "4.6.0", "model_class": model_class},
            "python_function": {"data": "model.pkl", "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
                                "loader_module": "mlflow.lightgbm", "python_version": "3.11.2"},
        },
        "mlflow_version": "2.12.2",
        "model_uuid": "0" * 32,
        "run_id": "fixture",
        "utc_time_created": "2024-06-01 00:00:00.000000",
    }
    if inputs is not None:
        doc["signature"] = {"inputs": json.dumps(inputs), "outputs": None, "params": None}
    return yaml.safe_dump(doc, sort_keys=True)


def booster_text(boosters, name):
    with open(os.path.join(boosters, name, "model.lgb")) as f:
        return f.read()


def write(name, model, dump, model_class, inputs):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "model.pkl"), "wb") as f:
        dump(model, f)
    with open(os.path.join(folder, "MLmodel"), "w") as f:
        f.write(mlmodel(model_class, inputs))
    with open(os.path.join(folder, "requirements.txt"), "w") as f:
        f.write("mlflow==2.12.2\ncloudpickle==2.2.0\nlightgbm==4.6.0\nscikit-learn==1.2.1\n")
    print(f"{name}: {os.path.getsize(os.path.join(folder, 'model.pkl'))} bytes")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-sklearn-fixtures.py SYNTHETIC_DIR (written by write-synthetic.ts)")
    boosters = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        package = os.path.join(tmp, "lightgbm")
        os.makedirs(package)
        for file, text in [("__init__.py", ""), ("basic.py", BASIC), ("sklearn.py", SKLEARN)]:
            with open(os.path.join(package, file), "w") as f:
                f.write(text)
        sys.path.insert(0, tmp)
        import cloudpickle
        from lightgbm.sklearn import LGBMClassifier, LGBMRegressor

        text = booster_text(boosters, "binary")
        clf = LGBMClassifier(n_estimators=10).stand_in_fit(text, "binary", 10, 1).stand_in_classes(["no", "yes"] * 5)
        columns = [{"type": "double", "name": f"x{j}", "required": True} for j in range(10)]
        write("classifier-pickle", clf, cloudpickle.dump, "lightgbm.sklearn.LGBMClassifier", columns)
        early = LGBMClassifier(n_estimators=10).stand_in_fit(text, "binary", 10, 1, best_iteration=4)
        write("classifier-pickle-best-4", early.stand_in_classes([0, 1]), cloudpickle.dump,
              "lightgbm.sklearn.LGBMClassifier", columns)

        text = booster_text(boosters, "multiclass")
        multi = LGBMClassifier(n_estimators=10).stand_in_fit(text, "multiclass", 10, 3).stand_in_classes([7, 3, 5])
        write("multiclass-classifier-pickle", multi, lambda m, f: pickle.dump(m, f, protocol=4),
              "lightgbm.sklearn.LGBMClassifier", None)

        text = booster_text(boosters, "regression-missing")
        reg = LGBMRegressor(n_estimators=20).stand_in_fit(text, "regression", 10, 1)
        write("regressor-pickle", reg, lambda m, f: pickle.dump(m, f, protocol=2), "lightgbm.sklearn.LGBMRegressor",
              None)


if __name__ == "__main__":
    main()
