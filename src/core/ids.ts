/** Identifiers: run ids as MLflow makes them, and readable random run names. */
import { randomBytes, randomInt } from "node:crypto";

/** A run id: 32 lowercase hex characters (MLflow's `uuid4().hex`). */
export function newRunId(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return b.toString("hex");
}

const ADJECTIVES = [
  "amber",
  "brave",
  "calm",
  "deft",
  "eager",
  "fleet",
  "gentle",
  "hardy",
  "keen",
  "lucid",
  "merry",
  "nimble",
  "quiet",
  "rapid",
  "sharp",
  "steady",
  "swift",
  "tidy",
  "vivid",
  "wise",
];
const NOUNS = [
  "badger",
  "crane",
  "dolphin",
  "falcon",
  "gecko",
  "heron",
  "ibis",
  "jaguar",
  "koala",
  "lynx",
  "marten",
  "newt",
  "otter",
  "panda",
  "quail",
  "raven",
  "seal",
  "tapir",
  "vole",
  "wren",
];

/** A random run name such as `swift-otter-412`. */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
