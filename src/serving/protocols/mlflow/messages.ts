/** Error texts shared by the MLflow scoring parsers, worded like MLflow's scoring server. */

export const SUPPORTED_FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;

export const REQUIRED_INPUT_FORMAT =
  "The input must be a JSON dictionary with exactly one of the input fields " +
  "'dataframe_split', 'dataframe_records', 'instances' or 'inputs' (plus an optional 'params').";

export const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this " +
  "error, you are likely using an outdated scoring request format. For the current format, see " +
  "https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";
