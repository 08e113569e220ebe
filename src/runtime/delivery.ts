/**
 * At-least-once delivery tracking. Every source record gets a token whose
 * reference count is the number of outputs still owed for it (fan-out and
 * 1→N steps add references; filters, sink acknowledgements and dead-letter
 * acknowledgements release them). A partition's commit point only moves past
 * a record once its count reaches zero, so a crash never skips an output.
 */
import type { Position } from './types.js';

/** Handle of one in-flight source record. */
export interface DeliveryToken {
  readonly tracker: DeliveryTracker;
  readonly position: Position;
  /** When the source produced it (performance.now() ms), for latency. */
  readonly t0: number;
  /** Size of the source record (its packet bytes), counted against the in-flight byte limit. */
  readonly bytes: number;
  refs: number;
  /**
   * Set on a derived token (an output of several held records, see
   * {@link deriveToken}): at zero refs it releases one reference of each parent
   * instead of completing a source record.
   */
  parents?: DeliveryToken[];
}

interface PartitionState {
  /** Offsets still owed, in the order they were registered (offsets increase). */
  pending: Map<number, DeliveryToken>;
  /** One past the highest offset registered. */
  nextOffset: number;
}

/** Tracks the records of one source. */
export class DeliveryTracker {
  private readonly partitions = new Map<string, PartitionState>();
  private inFlightCount = 0;
  private inFlightByteCount = 0;
  private readonly waiters: Array<() => void> = [];
  private lastCommitted = new Map<string, number>();

  /** @param onDelivered called once per record when its last output is acknowledged. */
  constructor(private readonly onDelivered?: (token: DeliveryToken) => void) {}

  /** Registers a record that owes one output; `bytes` is its size, for the in-flight byte limit. */
  register(position: Position, bytes = 0): DeliveryToken {
    let part = this.partitions.get(position.partition);
    if (!part) {
      part = { pending: new Map(), nextOffset: position.offset };
      this.partitions.set(position.partition, part);
    }
    const token: DeliveryToken = { tracker: this, position, t0: performance.now(), bytes, refs: 1 };
    part.pending.set(position.offset, token);
    part.nextOffset = Math.max(part.nextOffset, position.offset + 1);
    this.inFlightCount++;
    this.inFlightByteCount += bytes;
    return token;
  }

  /** Records that `token` now owes `n` more outputs. */
  addRefs(token: DeliveryToken, n: number): void {
    if (n <= 0) return;
    if (token.refs <= 0) throw new Error(`delivery token for ${token.position.partition}@${token.position.offset} was already released`);
    token.refs += n;
  }

  /** One output of `token` has been acknowledged (or was dropped on purpose). */
  release(token: DeliveryToken): void {
    if (token.refs <= 0) throw new Error(`delivery token for ${token.position.partition}@${token.position.offset} released twice`);
    token.refs--;
    if (token.refs > 0) return;
    if (token.parents) {
      for (const p of token.parents) p.tracker.release(p);
      return;
    }
    this.partitions.get(token.position.partition)?.pending.delete(token.position.offset);
    this.inFlightCount--;
    this.inFlightByteCount -= token.bytes;
    this.onDelivered?.(token);
    while (this.waiters.length > 0) this.waiters.shift()!();
  }

  /** Records registered and not yet fully acknowledged. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Bytes of the records in flight (as registered). */
  get inFlightBytes(): number {
    return this.inFlightByteCount;
  }

  /**
   * Resolves once fewer than `limit` records and fewer than `byteLimit`
   * bytes are in flight: counts alone do not bound memory when packets
   * range from 2 KiB to megabytes.
   */
  async waitBelow(limit: number, signal?: AbortSignal, byteLimit = Infinity): Promise<void> {
    while ((this.inFlightCount >= limit || this.inFlightByteCount >= byteLimit) && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /**
   * For each partition, the offset of the next record to read such that every
   * record below it is acknowledged. Only partitions whose point moved since
   * the last call are returned.
   */
  takeCommittable(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [partition, part] of this.partitions) {
      // Map iteration follows insertion order, and offsets are registered in increasing order.
      const first = part.pending.keys().next();
      const next = first.done ? part.nextOffset : first.value;
      if (this.lastCommitted.get(partition) !== next) {
        out.set(partition, next);
        this.lastCommitted.set(partition, next);
      }
    }
    return out;
  }

  /** Forgets a partition (after a Kafka rebalance revoked it). */
  dropPartition(partition: string): void {
    const part = this.partitions.get(partition);
    if (!part) return;
    this.inFlightCount -= part.pending.size;
    for (const t of part.pending.values()) this.inFlightByteCount -= t.bytes;
    this.partitions.delete(partition);
    this.lastCommitted.delete(partition);
    while (this.waiters.length > 0) this.waiters.shift()!();
  }
}

/**
 * A token for an output derived from several records (a window of them). It
 * takes over one reference of each parent, which it already owns, and gives
 * them back when its own `refs` outputs are all acknowledged; so no parent's
 * position can be committed before the derived output is delivered. A parent
 * may appear more than once (one reference each time).
 *
 * @example
 * const d = deriveToken([t9, t0, t1], 1); // one output owed, for three records
 * tracker.release(d); // releases t9, t0 and t1 once each
 */
export function deriveToken(parents: DeliveryToken[], refs: number): DeliveryToken {
  if (parents.length === 0) throw new Error('a derived delivery token needs at least one parent');
  // bytes 0: the parents already count theirs against the in-flight byte limit.
  return { tracker: parents[0].tracker, position: parents[0].position, t0: parents[0].t0, bytes: 0, refs, parents };
}
