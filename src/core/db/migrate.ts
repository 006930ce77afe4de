/** Versioned schema migrations, applied explicitly at start-up, once per module and version. */
import type { Database, Queryable, SqlDialect } from "./database.js";

/** A statement, or one built for the dialect (for the few DDL spellings that differ). */
export type MigrationStatement = string | ((dialect: SqlDialect) => string);

/** One migration: statements (then `convert`, when given) run in one transaction. */
export interface Migration {
  readonly module: string;
  readonly version: number;
  readonly name: string;
  readonly statements: readonly MigrationStatement[];
  /** Data changes SQL alone cannot express (e.g. re-encoding rows), after the statements. */
  readonly convert?: (tx: Queryable, dialect: SqlDialect) => Promise<void>;
}

/** Apply pending migrations in order; safe when several processes start at once. */
export async function migrate(db: Database, migrations: readonly Migration[], now = Date.now()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await db.dialect.lockForMigration(tx);
    await tx.run(
      "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))",
    );
    const done = new Set(
      (await tx.all<{ module: string; version: number }>("SELECT module, version FROM schema_migrations")).map(
        (r) => `${r.module}:${r.version}`,
      ),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(`${m.module}:${m.version}`)) continue;
      for (const st of m.statements) await tx.run(typeof st === "string" ? st : st(db.dialect));
      await m.convert?.(tx, db.dialect);
      await tx.run("INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)", [
        m.module,
        m.version,
        m.name,
        now,
      ]);
      applied.push(`${m.module}:${m.version} ${m.name}`);
    }
    return applied;
  });
}
