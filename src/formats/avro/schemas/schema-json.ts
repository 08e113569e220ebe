/**
 * A parsed Avro schema as plain JSON (a record definition, a type name, or a
 * union array). Kept loose on purpose: schemas come from files, registries and
 * container headers.
 *
 * @example
 * const s: AvroSchemaJson = { type: 'record', name: 'x', fields: [] };
 */
export type AvroSchemaJson = Record<string, unknown>;
