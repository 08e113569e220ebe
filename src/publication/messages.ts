/**
 * `prompt-output` messages: what the Prompt Processing Butler Writer sends
 * the publication service, one JSON object per Kafka message (or per file in
 * a message directory), listing the datasets it wrote to the embargo
 * repository:
 *
 * ```json
 * { "datasets": [ { "id": "b8e9d6b8-…", "dataset_type": "difference_image",
 *     "exposure_time": "2026-03-15T01:00:00Z", "run": "Prompt/Outputs/…",
 *     "data_id": { "visit": 2026031500123, "detector": 42 },
 *     "files": ["Prompt/…/difference_image_….fits"] } ] }
 * ```
 */
import { AlertflowError } from '../errors.js';
import type { NewDataset } from './state-db.js';

/** One dataset entry of a prompt-output message, as sent. */
export interface PromptOutputDataset {
  id: string;
  dataset_type: string;
  /** ISO 8601 with a zone (`Z` or `+hh:mm`). */
  exposure_time: string;
  files: string[];
  run?: string;
  data_id?: Record<string, unknown>;
}

/** A prompt-output message. */
export interface PromptOutputMessage {
  datasets: PromptOutputDataset[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const invalid = (message: string, details: Record<string, unknown> = {}): never => {
  throw new AlertflowError('ERR_PUBLICATION', `prompt-output message: ${message}`, details);
};

/**
 * Validates one message (bytes, text or parsed JSON) and returns its
 * datasets as state-database rows. A message with any invalid entry is
 * rejected whole (it goes to the dead letters), so it is never half-ingested.
 *
 * @example
 * parsePromptOutput('{"datasets":[{"id":"…","dataset_type":"difference_image","exposure_time":"2026-03-15T01:00:00Z","files":["a.fits"]}]}')
 */
export function parsePromptOutput(input: Uint8Array | string | unknown): NewDataset[] {
  let msg: unknown = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    try {
      msg = JSON.parse(text);
    } catch (err) {
      invalid(`not JSON: ${(err as Error).message}`);
    }
  }
  if (!msg || typeof msg !== 'object' || !Array.isArray((msg as PromptOutputMessage).datasets)) return invalid('needs a "datasets" array');
  return (msg as PromptOutputMessage).datasets.map((d, i) => {
    const at = `datasets[${i}]`;
    if (!d || typeof d !== 'object') invalid(`${at} is not an object`);
    if (typeof d.id !== 'string' || !UUID.test(d.id)) invalid(`${at}.id must be a UUID`, { id: d.id });
    if (typeof d.dataset_type !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(d.dataset_type)) invalid(`${at}.dataset_type must be an identifier`, { id: d.id });
    const t = typeof d.exposure_time === 'string' && ISO_WITH_ZONE.test(d.exposure_time) ? Date.parse(d.exposure_time) : NaN;
    if (!Number.isFinite(t)) invalid(`${at}.exposure_time must be ISO 8601 with a time zone`, { id: d.id, exposure_time: d.exposure_time });
    if (!Array.isArray(d.files) || d.files.length === 0 || !d.files.every((f) => typeof f === 'string' && f !== '' && !f.startsWith('/') && !f.split('/').includes('..'))) {
      invalid(`${at}.files must be a non-empty list of relative paths`, { id: d.id });
    }
    if (d.run !== undefined && typeof d.run !== 'string') invalid(`${at}.run must be a string`, { id: d.id });
    if (d.data_id !== undefined && (typeof d.data_id !== 'object' || d.data_id === null || Array.isArray(d.data_id))) invalid(`${at}.data_id must be an object`, { id: d.id });
    return { dataset_id: d.id.toLowerCase(), dataset_type: d.dataset_type, exposure_time: t, files: [...d.files], run: d.run ?? null, data_id: d.data_id ?? null };
  });
}
