/**
 * Kafka subpath (`alertflow/kafka`): consumer-group source, producer sink and
 * the local test broker. Loading it does not load node-rdkafka; that happens
 * when a client is first created.
 */
export { createKafkaSource } from './consumer-source.js';
export type { KafkaSource, KafkaSourceConfig } from './consumer-source.js';
export { createKafkaSink, produceBuffers } from './producer-sink.js';
export type { BufferMessage, KafkaCompression, KafkaSinkConfig } from './producer-sink.js';
export { startBroker, stopBroker, brokerStatus } from './broker.js';
export type { BrokerOptions, BrokerState, BrokerStatus } from './broker.js';
export { DEFAULT_BROKER_PORT, kafkaHome } from './broker-config.js';
export { fetchMetadata, loadRdkafka } from './rdkafka.js';
