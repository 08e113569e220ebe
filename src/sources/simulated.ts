/**
 * A source of simulated Rubin alerts, encoded as Confluent wire-format
 * packets (schema id 1100, lsst.v11_0) exactly as they would arrive from
 * Kafka. Deterministic for a seed; positions are alert indices.
 */
import type { Source, SourceRecord } from '../runtime/types.js';
import { markMovable } from '../runtime/tasks/transfer.js';
import type { RawPacket } from '../formats/types.js';
import { simulateNight, type SimulateNightOptions } from '../simulator/index.js';
import { requireBuiltInSchema } from '../formats/avro/builtin.js';
import { encodeBody } from '../formats/avro/body.js';
import { encodeWire } from '../formats/avro/wire.js';
import { mjdTaiToEpochMs } from '../formats/avro/event-time.js';
import { AlertflowError } from '../errors.js';

export interface SimulatedSourceConfig extends SimulateNightOptions {
  batchSize?: number;
}

/**
 * Encodes one simulated alert as a wire-format packet.
 *
 * @example
 * const bytes = encodeSimulatedAlert(alert);
 */
export function encodeSimulatedAlert(alert: unknown): Buffer {
  const schema = requireBuiltInSchema('lsst.v11_0');
  return encodeWire(schema.id!, encodeBody(schema.type, alert));
}

/**
 * @example
 * const src = createSimulatedSource({ alerts: 1000, seed: 7 });
 */
export function createSimulatedSource(config: SimulatedSourceConfig): Source<RawPacket> {
  if (!Number.isInteger(config.alerts) || config.alerts < 0) throw new AlertflowError('ERR_STEP_CONFIG', 'simulate source needs "alerts": a non-negative integer');
  const batchSize = config.batchSize ?? 256;
  return {
    async *batches(signal) {
      let batch: SourceRecord<RawPacket>[] = [];
      let i = 0;
      for (const { alert } of simulateNight(config)) {
        if (signal.aborted) return;
        const bytes = encodeSimulatedAlert(alert);
        markMovable(bytes);
        batch.push({ value: { kind: 'raw', bytes }, position: { partition: 'simulated', offset: i++ }, bytes, eventTime: mjdTaiToEpochMs(alert.diaSource.midpointMjdTai) });
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
          // Generation is synchronous CPU work: let the rest of the graph run between batches.
          await new Promise((r) => setImmediate(r));
        }
      }
      if (batch.length > 0) yield batch;
    },
    async commit() {},
    async close() {},
  };
}
