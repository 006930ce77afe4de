"""A stand-in for MLflow in the Python runtime's tests (MLflow is not in Debian): just enough of
mlflow.sklearn.load_model and mlflow.pyfunc.load_model to show which loader the worker chose."""
