/** MLflow scoring protocol (`POST /invocations`): content types, request bodies, responses. */
export { checkScoringContentType, type ScoringFormat } from "./content-type.js";
export { parseScoringCsv } from "./parse-csv.js";
export { parseScoringJson, type ScoringParseOptions } from "./parse-json.js";
export { type FormatPredictionsOptions, formatPredictions, type ScoringResponse } from "./predictions.js";
