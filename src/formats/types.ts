/** Kinds of alert packets that flow between steps. */

export type Survey = 'lsst' | 'ztf' | 'roman';

/**
 * Undecoded packet bytes. Without `writerSchema` the bytes are a Confluent
 * wire-format packet (magic byte, schema id, body); with it they are a
 * schemaless Avro body written with that built-in schema (for example
 * `lsst.v11_0`), as records of an Object Container File are.
 */
export interface RawPacket {
  kind: 'raw';
  bytes: Uint8Array;
  writerSchema?: string;
}

/** A decoded alert with what was learnt about its format. */
export interface DecodedAlert<T = Record<string, any> > {
  kind: 'alert';
  survey: Survey;
  /** Schema name, e.g. `lsst.v11_0`, `ztf 4.02`, `rapid.v00_02`. */
  schema: string;
  alert: T;
  /** The packet's original bytes, so sinks can write them without re-encoding. */
  raw?: RawPacket;
}

export type Packet = RawPacket | DecodedAlert;
