/** Shared bits of the Kafka tests: draining a source with commits. */
import type { SourceRecord } from '../../src/runtime/types.js';
import type { KafkaSource } from '../../src/kafka/consumer-source.js';

/** Next offsets to commit for a batch: per partition, highest offset + 1. */
export function nextOffsets(batch: SourceRecord[]): Map<string, number> {
  const next = new Map<string, number>();
  for (const r of batch) next.set(r.position.partition, Math.max(next.get(r.position.partition) ?? 0, r.position.offset + 1));
  return next;
}

/**
 * Reads batches until the source ends (untilCaughtUp) or `limit` records were
 * taken, committing after each batch. Records past `limit` in the last batch
 * are dropped uncommitted.
 */
export async function drain<T>(src: KafkaSource<T>, opts: { limit?: number; onBatch?: (b: SourceRecord<T>[]) => Promise<void> | void } = {}): Promise<SourceRecord<T>[]> {
  const out: SourceRecord<T>[] = [];
  const ac = new AbortController();
  for await (const batch of src.batches(ac.signal)) {
    const take = opts.limit === undefined ? batch : batch.slice(0, opts.limit - out.length);
    out.push(...take);
    await opts.onBatch?.(take);
    await src.commit(nextOffsets(take));
    if (opts.limit !== undefined && out.length >= opts.limit) {
      ac.abort();
      break;
    }
  }
  return out;
}

/** Deterministic payload for message i. */
export function payload(i: number, size = 64): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(i, 0);
  for (let k = 4; k < size; k++) b[k] = (i * 31 + k) & 0xff;
  return b;
}

let seq = 0;
/** A topic/group name unique within this process. */
export function uniq(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}
