/**
 * The `tar-archive` graph sink: decoded alerts in, one delivery tarball per
 * period out (see src/archive/archiver.ts for the closing and rerun rules).
 * A batch is acknowledged once it is in its period's spool on disk, so the
 * source can commit long before the tarball exists without risking loss.
 * `close()` (end of input, or a stop) packs every open period; if a later
 * run sees more alerts for such a period, it merges them and rebuilds it.
 */
import type { Sink, SinkRecord } from '../runtime/types.js';
import type { DecodedAlert } from '../formats/types.js';
import { AlertflowError } from '../errors.js';
import { Archiver, type ArchiverConfig } from '../archive/archiver.js';

/** The sink plus its archiver, for callers that want the closed periods and counters. */
export interface TarArchiveSink extends Sink<DecodedAlert> {
  readonly archiver: Archiver;
}

/**
 * Creates the sink. Config: {@link ArchiverConfig}.
 *
 * @example
 * const sink = await createTarArchiveSink({ dir: 'deliveries', period: '1h' });
 * await sink.write(records); await sink.close();
 * sink.archiver.closed.map((c) => c.path);
 */
export async function createTarArchiveSink(config: ArchiverConfig | Record<string, unknown>): Promise<TarArchiveSink> {
  const archiver = await Archiver.create(config as ArchiverConfig);
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    archiver,
    write(batch: SinkRecord<DecodedAlert>[]) {
      if (closed) return Promise.reject(new AlertflowError('ERR_SHUTDOWN', 'tar-archive sink is closed'));
      // One batch at a time: spools and period closing are not re-entrant.
      const p = queue.then(() => archiver.add(batch.map((r) => r.value)));
      queue = p.catch(() => undefined);
      return p;
    },
    describe: () => String((config as ArchiverConfig).dir),
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await archiver.closeAll();
    },
  };
}
