/** The contract between `bench/main.ts` and each bench module. */

/** Options every bench understands (parsed by `bench/main.ts`). */
export interface BenchOptions {
  /** Alerts in the seeded input. */
  alerts: number;
  /** Simulator seed. */
  seed: number;
  /** Timed rounds; each round runs every mode once, so load drift hits all modes alike. */
  repeat: number;
  /** Records per batch for step and pool runs. */
  batchSize: number;
  /** Kafka topic partitions (kafka bench). */
  partitions: number;
}

/** What a bench returns; `main.ts` adds machine info and writes it as JSON. */
export interface BenchReport {
  /** The seeded inputs, enough to reproduce the run. */
  inputs: Record<string, unknown>;
  /** Every measured figure, by mode. A mode that could not run has `{ skipped: reason }`. */
  results: Record<string, unknown>;
  /** Ratios between modes (higher = ours faster, unless the name says otherwise). */
  ratios: Record<string, number | null>;
  /** Caveats worth reading next to the figures. */
  notes: string[];
}

/** A bench module: `bench/<name>.ts` exports `run`. */
export interface BenchModule {
  run(options: BenchOptions): Promise<BenchReport>;
}

/** An entry of the bench table in `bench/main.ts`. */
export interface BenchEntry {
  summary: string;
  /** Default `--alerts` for this bench. */
  defaultAlerts: number;
  load(): Promise<BenchModule>;
}
