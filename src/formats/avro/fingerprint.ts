/**
 * Parsing Canonical Form and the CRC-64-AVRO (Rabin) fingerprint, used to
 * recognise a writer schema as one of the built-in schemas.
 */
import type avro from 'avsc';

const EMPTY = 0xc15d213aa4d7a795n;
const MASK = 0xffffffffffffffffn;
let table: BigUint64Array | undefined;

function fpTable(): BigUint64Array {
  if (table) return table;
  table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK);
    table[i] = fp;
  }
  return table;
}

/**
 * The schema's Parsing Canonical Form as a string.
 *
 * @example
 * canonicalForm(type); // '{"name":"lsst.v11_0.alert","type":"record",...}'
 */
export function canonicalForm(type: avro.Type): string {
  return JSON.stringify(type.schema());
}

/**
 * CRC-64-AVRO (Rabin) fingerprint of a canonical-form string, as an unsigned bigint.
 *
 * @example
 * rabinFingerprint('"int"').toString(16); // '7275d51a3f395c8f'
 */
export function rabinFingerprint(canonical: string): bigint {
  const t = fpTable();
  let fp = EMPTY;
  for (const b of Buffer.from(canonical, 'utf8')) fp = (fp >> 8n) ^ t[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/**
 * Rabin fingerprint of a type's canonical form, as 16 hex digits.
 *
 * @example
 * schemaFingerprint(type); // 'a1b2…'
 */
export function schemaFingerprint(type: avro.Type): string {
  return rabinFingerprint(canonicalForm(type)).toString(16).padStart(16, '0');
}
