/**
 * Reads the model data file of a lightgbm flavor: LightGBM's text model (`model.lgb`, a Booster),
 * or a pickled scikit-learn wrapper (`model.pkl`) whose booster is that same text. A missing,
 * empty or unreadable file is refused by name.
 */
import { invalidParam } from "../../core/errors.js";
import { readModelDataFile } from "../mlmodel.js";
import { type LightgbmObjective, lightgbmObjective } from "./lightgbm-objective.js";
import { type LightgbmWrapper, readLightgbmPickle } from "./lightgbm-pickle.js";
import { type ParsedLightgbm, parseLightgbmText } from "./lightgbm-text.js";

/** A parsed model and its objective, both checked; `wrapper` when it came from a pickled wrapper. */
export interface LightgbmFile {
  readonly parsed: ParsedLightgbm;
  readonly objective: LightgbmObjective;
  readonly wrapper?: LightgbmWrapper;
}

/** Parses model bytes; `label` (the file) starts every error message. */
export function parseLightgbmBytes(buf: Uint8Array, label: string): LightgbmFile {
  if (buf.length === 0) throw invalidParam(`'${label}': the LightGBM model file is empty`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw invalidParam(`'${label}': not a LightGBM text model (the file is not UTF-8 text)`);
  }
  const parsed = parseLightgbmText(text, `'${label}'`);
  return {
    parsed,
    objective: lightgbmObjective(parsed.objective, parsed.numClass, parsed.numTreePerIteration, `'${label}'`),
  };
}

/** Parses a pickled wrapper's booster; errors name the file and the wrapper. */
export function parseLightgbmPickle(buf: Uint8Array, label: string): LightgbmFile {
  if (buf.length === 0) throw invalidParam(`'${label}': the pickled model file is empty`);
  const wrapper = readLightgbmPickle(buf, label);
  const where = `'${label}' (the booster of its ${wrapper.className})`;
  const parsed = parseLightgbmText(wrapper.modelText, where);
  const objective = lightgbmObjective(parsed.objective, parsed.numClass, parsed.numTreePerIteration, where);
  return { parsed, objective, wrapper };
}

/** Reads `path` and parses it: a pickled wrapper when `pickled`, else the text format. */
export async function readLightgbmFile(path: string, pickled = false): Promise<LightgbmFile> {
  const buf = await readModelDataFile(path);
  return pickled ? parseLightgbmPickle(buf, path) : parseLightgbmBytes(buf, path);
}
