"""mlflow.sklearn.load_model: the folder's model.pkl (as the sklearn flavor names it by default)."""
import os

import cloudpickle


def load_model(model_uri):
    with open(os.path.join(model_uri, "model.pkl"), "rb") as f:
        return cloudpickle.load(f)
