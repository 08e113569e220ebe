/**
 * Writer schemas from a folder the user names. For schema id N it looks for,
 * in order:
 *   1. `<dir>/N.avsc` or `<dir>/N.json`: one schema document, or a JSON array
 *      of documents that refer to each other (top-level record last or named `alert`);
 *   2. `<dir>/<major>.<minor>/` with major = ⌊N/100⌋, minor = N mod 100 (the
 *      Rubin layout, e.g. `lsst-alert-packet/11.0/` for 1100): every `.avsc`
 *      in it, loaded together, top-level record named `alert`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlertflowError } from '../../../errors.js';
import { cachingResolver, type AlertSchema, type SchemaResolver } from '../alert-schema.js';
import { createWriterSchema } from '../detect.js';
import { writerTypeFromSchemas } from '../load.js';
import type { AvroSchemaJson } from '../schemas/schema-json.js';

async function readJson(path: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AlertflowError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AlertflowError('ERR_SCHEMA_INVALID', `${path} is not valid JSON`, { path }, { cause: err });
  }
}

/**
 * Loads every `.avsc` in a folder together and builds the `alert` schema.
 *
 * @example
 * const s = await loadSchemaFolder('../shared/data/lsst-alert-packet/11.0', 1100);
 */
export async function loadSchemaFolder(folder: string, id?: number): Promise<AlertSchema | undefined> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.avsc')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new AlertflowError('ERR_IO', `cannot list ${folder}: ${(err as Error).message}`, { path: folder }, { cause: err });
  }
  if (names.length === 0) return undefined;
  const docs = (await Promise.all(names.map((n) => readJson(join(folder, n))))) as AvroSchemaJson[];
  return createWriterSchema(writerTypeFromSchemas(docs), id === undefined ? {} : { id });
}

async function load(dir: string, id: number): Promise<AlertSchema> {
  for (const ext of ['avsc', 'json']) {
    const json = await readJson(join(dir, `${id}.${ext}`));
    if (json !== undefined) {
      const docs = (Array.isArray(json) ? json : [json]) as AvroSchemaJson[];
      const top = docs[docs.length - 1];
      return createWriterSchema(writerTypeFromSchemas(docs), { id, ...(Array.isArray(json) || !top ? {} : { json: top }) });
    }
  }
  const folder = await loadSchemaFolder(join(dir, `${Math.floor(id / 100)}.${id % 100}`), id);
  if (folder) return folder;
  throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `no schema for id ${id} in ${dir}`, { schemaId: id, dir });
}

/**
 * A resolver over a schema folder (layout above). Results are cached.
 *
 * @example
 * const r = directoryResolver('./schemas'); // ./schemas/11.0/*.avsc → id 1100
 */
export function directoryResolver(dir: string): SchemaResolver {
  return cachingResolver((id) => load(dir, id));
}
