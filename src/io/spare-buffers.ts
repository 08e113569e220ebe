/**
 * Reusable ArrayBuffers for data sent to another thread and sent back.
 * Each new ArrayBuffer counts as external memory in the isolates it passes
 * through, and V8 runs a full mark-compact for every 64 MB of it: with a
 * fresh 20 MB buffer per batch of Rubin packets, the main thread spent about
 * a fifth of its time in those collections. A buffer that goes back and
 * forth is allocated once. Used by the worker pool's packing buffers and the
 * file writer's batches.
 *
 * @example
 * const spares = new SpareBuffers(4);
 * const buffer = spares.take(bytes); // later, when the thread hands it back: spares.give(buffer)
 */
export class SpareBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly max: number) {}

  /** A spare buffer of at least `bytes`, else a new one a quarter larger (so the next, bigger batch fits); undefined for 0 bytes. */
  take(bytes: number): ArrayBuffer | undefined {
    const i = this.free.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.free.splice(i, 1)[0];
    return bytes > 0 ? new ArrayBuffer(Math.ceil((bytes * 1.25) / 65536) * 65536) : undefined;
  }

  /** Keeps a returned buffer for reuse (the smallest is dropped when full). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return; // detached
    this.free.push(buffer);
    if (this.free.length > this.max) {
      this.free.sort((a, b) => b.byteLength - a.byteLength);
      this.free.length = this.max;
    }
  }

  get size(): number {
    return this.free.length;
  }
}
