/**
 * The Prompt Publication Service state database (seed 003): one row per
 * dataset with its status in each repository (embargo, prompt_prep,
 * repo_main, public), a per-dataset event history, the TAGGED collection
 * memberships, per-task failures and the pause switches of the tasks.
 *
 * Why DuckDB: it is already alertflow's embedded store, needs no server,
 * and gives ACID transactions and `INSERT … ON CONFLICT DO NOTHING`. Those
 * two are all the crash safety needs: intake inserts are keyed by dataset
 * id, and each task records its completion in one transaction after its
 * (idempotent) work, so no in-progress state is ever stored. The SQL is
 * plain and would port to the Postgres the seed has in mind. The price is
 * DuckDB's single-writer-process file lock: intake, tasks and the web page
 * of one state database run in one process (`alertflow publication run`).
 */
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { exec, openDuckdb, rows, type DuckdbHandle } from '../stores/duckdb/connection.js';

export { exec, rows };

/** Status of a dataset in one repository; null while it has never been there. */
export type RepoStatus = 'PRESENT' | 'DELETED' | 'EXPIRED';

/** The repositories whose status the state database tracks, as column prefixes. */
export const REPOSITORIES = ['embargo', 'prompt_prep', 'repo_main', 'public'] as const;
export type RepositoryName = (typeof REPOSITORIES)[number];

/** One row of `datasets`. Times are ms since the epoch (UTC). */
export interface DatasetRow {
  dataset_id: string;
  dataset_type: string;
  exposure_time: number;
  /** JSON array of repository-relative file paths. */
  files: string;
  run: string | null;
  /** JSON object (the Butler data ID), or null. */
  data_id: string | null;
  embargo_status: RepoStatus | null;
  prompt_prep_status: RepoStatus | null;
  repo_main_status: RepoStatus | null;
  public_status: RepoStatus | null;
  publication_time: number | null;
  expiry_time: number | null;
  /** An operator asked for this dataset to expire now (an input, not progress). */
  expire_requested: boolean;
  ingested_time: number;
  n_events: number;
}

/** One row of `dataset_events`: the per-dataset history. */
export interface EventRow {
  dataset_id: string;
  seq: number;
  time: number;
  event: string;
  detail: string | null;
}

/** A dataset as intake inserts it (from a prompt-output message). */
export interface NewDataset {
  dataset_id: string;
  dataset_type: string;
  exposure_time: number;
  files: string[];
  run?: string | null;
  data_id?: Record<string, unknown> | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS datasets (
    dataset_id TEXT PRIMARY KEY, dataset_type TEXT NOT NULL, exposure_time DOUBLE NOT NULL, files TEXT NOT NULL,
    run TEXT, data_id TEXT,
    embargo_status TEXT, prompt_prep_status TEXT, repo_main_status TEXT, public_status TEXT,
    publication_time DOUBLE, expiry_time DOUBLE, expire_requested BOOLEAN NOT NULL DEFAULT false,
    ingested_time DOUBLE NOT NULL, n_events INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS dataset_events (
    dataset_id TEXT NOT NULL, seq INTEGER NOT NULL, time DOUBLE NOT NULL, event TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (dataset_id, seq))`,
  `CREATE TABLE IF NOT EXISTS collection_members (
    collection TEXT NOT NULL, dataset_id TEXT NOT NULL, added_time DOUBLE NOT NULL, PRIMARY KEY (collection, dataset_id))`,
  `CREATE TABLE IF NOT EXISTS task_errors (
    task TEXT NOT NULL, dataset_id TEXT NOT NULL, error TEXT NOT NULL, time DOUBLE NOT NULL, attempts INTEGER NOT NULL,
    PRIMARY KEY (task, dataset_id))`,
  `CREATE TABLE IF NOT EXISTS task_control (task TEXT PRIMARY KEY, paused BOOLEAN NOT NULL, changed_time DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS admin_log (seq INTEGER PRIMARY KEY, time DOUBLE NOT NULL, action TEXT NOT NULL, target TEXT)`,
];


/** A VARCHAR[] parameter (for `IN (SELECT unnest($n::VARCHAR[]))`). */
export const idList = (ids: readonly string[]): DuckDBValue => listValue([...ids]);

/**
 * Appends one event to each listed dataset's history (seq = its n_events + 1)
 * and bumps n_events (unless `bump` is false: the caller's own UPDATE does it), for the
 * datasets that match `guard`. Call inside a transaction.
 *
 * @example
 * await db.tx((c) => appendEvents(c, ids, now, 'publish', null, "public_status IS NULL"));
 */
export async function appendEvents(conn: DuckDBConnection, ids: readonly string[], time: number, event: string, detail: string | null, guard = 'true', bump = true): Promise<void> {
  if (ids.length === 0) return;
  const where = `dataset_id IN (SELECT unnest($1::VARCHAR[])) AND (${guard})`;
  await exec(conn, `INSERT INTO dataset_events SELECT dataset_id, n_events + 1, $2, $3, $4 FROM datasets WHERE ${where}`, [idList(ids), time, event, detail]);
  if (bump) await exec(conn, `UPDATE datasets SET n_events = n_events + 1 WHERE ${where}`, [idList(ids)]);
}

/**
 * The open state database.
 *
 * @example
 * const db = await PublicationDb.open('pps/state.duckdb');
 * const row = await db.dataset('b8e9d6b8-d961-4eea-bfa0-2dae310df6cf');
 * await db.close();
 */
export class PublicationDb {
  private constructor(readonly handle: DuckdbHandle) {}

  /** Opens (creating tables if needed) the database at `path` (`:memory:` for tests). */
  static async open(path: string): Promise<PublicationDb> {
    const handle = await openDuckdb(path);
    for (const sql of SCHEMA) await exec(handle.connection, sql);
    return new PublicationDb(handle);
  }

  /** Runs `fn` in one transaction (serialised with every other use of the writer connection). */
  tx<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.handle.transaction(fn);
  }

  /** Reads with the writer connection (sees its own committed writes). */
  read<T>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return this.handle.exclusive((c) => rows<T>(c, sql, params));
  }

  async dataset(id: string): Promise<DatasetRow | undefined> {
    return (await this.read<DatasetRow>('SELECT * FROM datasets WHERE dataset_id = $1', [id]))[0];
  }

  history(id: string): Promise<EventRow[]> {
    return this.read<EventRow>('SELECT * FROM dataset_events WHERE dataset_id = $1 ORDER BY seq', [id]);
  }

  /**
   * Inserts new datasets (embargo status PRESENT) and their first event, in
   * one transaction. A dataset id already present is left as it is, so a
   * redelivered message changes nothing. Returns the ids actually inserted.
   */
  insertDatasets(datasets: readonly NewDataset[], now: number): Promise<string[]> {
    const unique = [...new Map(datasets.map((d) => [d.dataset_id, d])).values()];
    if (unique.length === 0) return Promise.resolve([]);
    return this.tx(async (c) => {
      // Columns as list parameters: one statement per batch, whatever its size.
      const col = (f: (d: NewDataset) => string | number): DuckDBValue => listValue(unique.map(f));
      const got = await rows<{ dataset_id: string }>(
        c,
        `INSERT INTO datasets (dataset_id, dataset_type, exposure_time, files, run, data_id, embargo_status, ingested_time, n_events)
         SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::DOUBLE[]), unnest($4::VARCHAR[]), nullif(unnest($5::VARCHAR[]), ''), nullif(unnest($6::VARCHAR[]), ''), 'PRESENT', $7, 1
         ON CONFLICT DO NOTHING RETURNING dataset_id`,
        [col((d) => d.dataset_id), col((d) => d.dataset_type), col((d) => d.exposure_time), col((d) => JSON.stringify(d.files)), col((d) => d.run ?? ''), col((d) => (d.data_id ? JSON.stringify(d.data_id) : '')), now],
      );
      const inserted = got.map((r) => r.dataset_id);
      if (inserted.length > 0) {
        await exec(c, `INSERT INTO dataset_events SELECT dataset_id, 1, $2, 'ingested', 'embargo PRESENT' FROM datasets WHERE dataset_id IN (SELECT unnest($1::VARCHAR[])) ON CONFLICT DO NOTHING`, [idList(inserted), now]);
      }
      return inserted;
    });
  }

  /** Appends an admin action to `admin_log`. Call inside a transaction. */
  static async logAdmin(conn: DuckDBConnection, time: number, action: string, target: string | null): Promise<void> {
    await exec(conn, 'INSERT INTO admin_log SELECT coalesce(max(seq), 0) + 1, $1, $2, $3 FROM admin_log', [time, action, target]);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
