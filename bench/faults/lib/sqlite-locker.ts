/**
 * Another process holding SQLite's write lock: `BEGIN EXCLUSIVE` on the database given as the
 * first argument, "locked" on stdout, then COMMIT once stdin ends (or a line arrives).
 *
 *   node --import tsx bench/faults/lib/sqlite-locker.ts HOME/modelworks.db
 */
import BetterSqlite3 from "better-sqlite3";

const path = process.argv[2];
if (!path) throw new Error("usage: sqlite-locker.ts DATABASE");
const db = new BetterSqlite3(path, { fileMustExist: true, timeout: 30_000 });
db.exec("BEGIN EXCLUSIVE");
process.stdout.write("locked\n");
const release = () => {
  db.exec("COMMIT");
  db.close();
  process.exit(0);
};
process.stdin.once("data", release).once("end", release);
