import { closeSync, chmodSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { ApprovalDecision, InstanceResult, RolloutRecord, RolloutStore } from '../rollouts';

/**
 * Versioned schema migrations, applied in order, each in its own transaction, recorded in
 * schema_migrations. Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly description: string; readonly sql: string }[] = [
  {
    version: 1,
    description: 'rollout ledger: rollouts, deployments, approvals, per-service locks',
    sql: `
      CREATE TABLE rollouts (
        rollout_id   TEXT PRIMARY KEY,
        service      TEXT NOT NULL,
        target       TEXT NOT NULL,
        status       TEXT NOT NULL,
        plan         TEXT,
        waiting_wave INTEGER,
        reason       TEXT,
        started_at   TEXT NOT NULL,
        finished_at  TEXT
      );
      CREATE INDEX rollouts_by_service ON rollouts (service, started_at);
      CREATE TABLE deployments (
        rollout_id   TEXT NOT NULL REFERENCES rollouts (rollout_id),
        instance     TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        wave         INTEGER NOT NULL,
        status       TEXT NOT NULL,
        from_version TEXT,
        to_version   TEXT NOT NULL,
        noop         INTEGER NOT NULL DEFAULT 0,
        started_at   TEXT,
        finished_at  TEXT,
        reason       TEXT,
        PRIMARY KEY (rollout_id, instance)
      );
      CREATE INDEX deployments_by_instance ON deployments (instance, started_at);
      CREATE TABLE approvals (
        rollout_id TEXT NOT NULL,
        wave       INTEGER NOT NULL,
        decision   TEXT NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (rollout_id, wave)
      );
      CREATE TABLE rollout_locks (
        service    TEXT PRIMARY KEY,
        rollout_id TEXT NOT NULL
      );
    `,
  },
];

interface RolloutRow {
  rollout_id: string;
  service: string;
  target: string;
  status: RolloutRecord['status'];
  plan: string | null;
  waiting_wave: number | null;
  reason: string | null;
  started_at: string;
  finished_at: string | null;
}

interface DeploymentRow {
  instance: string;
  wave: number;
  status: InstanceResult['status'];
  from_version: string | null;
  to_version: string;
  noop: number;
  started_at: string | null;
  finished_at: string | null;
  reason: string | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * The rollout ledger in a SQLite file (better-sqlite3): WAL journal so a `tenant approve` in
 * another process can write while a rollout runs, a busy timeout instead of lock errors,
 * file mode 0600, versioned migrations. Writes that belong together are one transaction.
 */
export class SqliteStore implements RolloutStore {
  /** Opens (creating, with mode 0600) and migrates the database at `path`. */
  static async open(path: string): Promise<SqliteStore> {
    const { default: Database } = await import('better-sqlite3');
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const store = new SqliteStore(db);
    store.migrate();
    return store;
  }

  private constructor(readonly db: BetterSqlite3.Database) {}

  /** The schema version after migrating. */
  schemaVersion(): number {
    return (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  }

  close(): void {
    this.db.close();
  }

  private migrate() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = this.schemaVersion();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.description, new Date().toISOString());
      }).immediate();
    }
  }

  async acquireLock(service: string, rolloutId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const holder = this.db.prepare('SELECT rollout_id FROM rollout_locks WHERE service = ?').get(service) as { rollout_id: string } | undefined;
      if (holder && holder.rollout_id !== rolloutId) return false;
      this.db.prepare('INSERT OR REPLACE INTO rollout_locks (service, rollout_id) VALUES (?, ?)').run(service, rolloutId);
      return true;
    }).immediate();
  }

  async releaseLock(service: string, rolloutId: string): Promise<void> {
    this.db.prepare('DELETE FROM rollout_locks WHERE service = ? AND rollout_id = ?').run(service, rolloutId);
  }

  async lockHolder(service: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT rollout_id FROM rollout_locks WHERE service = ?').get(service) as { rollout_id: string } | undefined)?.rollout_id;
  }

  async getRollout(rolloutId: string): Promise<RolloutRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM rollouts WHERE rollout_id = ?').get(rolloutId) as RolloutRow | undefined;
    if (!row) return undefined;
    return {
      rolloutId: row.rollout_id,
      service: row.service,
      target: row.target,
      status: row.status,
      plan: row.plan === null ? undefined : JSON.parse(row.plan),
      waitingWave: opt(row.waiting_wave),
      reason: opt(row.reason),
      startedAt: row.started_at,
      finishedAt: opt(row.finished_at),
    };
  }

  async putRollout(r: RolloutRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO rollouts (rollout_id, service, target, status, plan, waiting_wave, reason, started_at, finished_at)
         VALUES (@rolloutId, @service, @target, @status, @plan, @waitingWave, @reason, @startedAt, @finishedAt)
         ON CONFLICT (rollout_id) DO UPDATE SET service = excluded.service, target = excluded.target, status = excluded.status,
           plan = excluded.plan, waiting_wave = excluded.waiting_wave, reason = excluded.reason,
           started_at = excluded.started_at, finished_at = excluded.finished_at`,
      )
      .run({
        rolloutId: r.rolloutId,
        service: r.service,
        target: r.target,
        status: r.status,
        plan: r.plan === undefined ? null : JSON.stringify(r.plan),
        waitingWave: r.waitingWave ?? null,
        reason: r.reason ?? null,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt ?? null,
      });
  }

  async getResult(rolloutId: string, instance: string): Promise<InstanceResult | undefined> {
    const row = this.db.prepare('SELECT * FROM deployments WHERE rollout_id = ? AND instance = ?').get(rolloutId, instance) as DeploymentRow | undefined;
    return row && toResult(row);
  }

  async putResult(rolloutId: string, r: InstanceResult): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO deployments (rollout_id, instance, seq, wave, status, from_version, to_version, noop, started_at, finished_at, reason)
         VALUES (@rolloutId, @instance, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deployments WHERE rollout_id = @rolloutId),
                 @wave, @status, @fromVersion, @toVersion, @noop, @startedAt, @finishedAt, @reason)
         ON CONFLICT (rollout_id, instance) DO UPDATE SET wave = excluded.wave, status = excluded.status,
           from_version = excluded.from_version, to_version = excluded.to_version, noop = excluded.noop,
           started_at = excluded.started_at, finished_at = excluded.finished_at, reason = excluded.reason`,
      )
      .run({
        rolloutId,
        instance: r.instance,
        wave: r.wave,
        status: r.status,
        fromVersion: r.fromVersion ?? null,
        toVersion: r.toVersion,
        noop: r.noop ? 1 : 0,
        startedAt: r.startedAt ?? null,
        finishedAt: r.finishedAt ?? null,
        reason: r.reason ?? null,
      });
  }

  async results(rolloutId: string): Promise<InstanceResult[]> {
    return (this.db.prepare('SELECT * FROM deployments WHERE rollout_id = ? ORDER BY seq').all(rolloutId) as DeploymentRow[]).map(toResult);
  }

  async decide(rolloutId: string, wave: number, decision: ApprovalDecision): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO approvals (rollout_id, wave, decision, decided_at) VALUES (?, ?, ?, ?)')
      .run(rolloutId, wave, decision, new Date().toISOString());
  }

  async decision(rolloutId: string, wave: number): Promise<ApprovalDecision | undefined> {
    return (this.db.prepare('SELECT decision FROM approvals WHERE rollout_id = ? AND wave = ?').get(rolloutId, wave) as { decision: ApprovalDecision } | undefined)
      ?.decision;
  }
}

function toResult(row: DeploymentRow): InstanceResult {
  return {
    instance: row.instance,
    wave: row.wave,
    status: row.status,
    fromVersion: opt(row.from_version),
    toVersion: row.to_version,
    noop: row.noop === 1 ? true : undefined,
    startedAt: opt(row.started_at),
    finishedAt: opt(row.finished_at),
    reason: opt(row.reason),
  };
}
