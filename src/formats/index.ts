/**
 * Public API of alert formats (`alertflow/formats`): Avro schemas, the
 * Confluent wire format, Object Container Files, packet decoding and exact
 * JSON/CSV output.
 *
 * @example
 * import { decodePacket, createResolver, toJSONLine } from 'alertflow/formats';
 */
export type { Survey, RawPacket, DecodedAlert, Packet } from './types.js';
export type { AlertSchema, SchemaResolver } from './avro/alert-schema.js';
export { createAlertSchema, describeAlertType, typeFingerprint } from './avro/alert-schema.js';
export { BUILT_IN_SCHEMA_NAMES, getBuiltInSchema, requireBuiltInSchema, builtInByFingerprint, builtInResolver } from './avro/builtin.js';
export { directoryResolver, loadSchemaFolder } from './avro/resolvers/directory.js';
export { registryResolver } from './avro/resolvers/registry.js';
export type { RegistryResolverOptions } from './avro/resolvers/registry.js';
export { chainResolvers, createResolver } from './avro/resolvers/chain.js';
export type { ResolverConfig } from './avro/resolvers/chain.js';
export { typeFromSchemas, typeFromSchemaText, schemaFullName } from './avro/load.js';
export { bigintLongType } from './avro/long.js';
export { canonicalForm, rabinFingerprint, schemaFingerprint } from './avro/fingerprint.js';
export { decodeBody, encodeBody } from './avro/body.js';
export { encodeWire, parseWire, decodeWire, decodeWireSync, WIRE_HEADER_SIZE } from './avro/wire.js';
export { stringifyExact, toJSONLine, csvCell, bytesSummary, stampFormat } from './avro/json.js';
export type { BytesMode, ExactJsonOptions, StampFormat } from './avro/json.js';
export { decodePacket, decodePackets, toDecodedAlert, ocfWriterSchema } from './avro/decode-packet.js';
export type { DecodePacketOptions } from './avro/decode-packet.js';
export { createDecodeStep } from './avro/decode-step.js';
export type { DecodeStepConfig } from './avro/decode-step.js';
export { mjdToEpochMs, mjdTaiToEpochMs, jdToEpochMs, alertEventTime, peekEventTime } from './avro/event-time.js';
export { skipperFor, doublePeeker } from './avro/skip.js';
export type { Skipper } from './avro/skip.js';
export { OCF_MAGIC, isOcf, parseOcfHeader, encodeOcfHeader } from './avro/ocf/header.js';
export type { OcfHeader } from './avro/ocf/header.js';
export { getCodec } from './avro/ocf/codecs.js';
export type { OcfCodec, OcfCodecName } from './avro/ocf/codecs.js';
export { splitBlock } from './avro/ocf/blocks.js';
export type { OcfBlock } from './avro/ocf/blocks.js';
export { readOcfBuffer } from './avro/ocf/read-buffer.js';
export { OcfFileReader } from './avro/ocf/read-file.js';
export type { OcfFileReaderOptions } from './avro/ocf/read-file.js';
export { OcfEncoder, OcfFileWriter, encodeOcf } from './avro/ocf/write.js';
export type { OcfWriteOptions } from './avro/ocf/write.js';
export { frameForKafka, createFrameStep } from './frame.js';
