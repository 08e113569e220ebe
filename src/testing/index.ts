/**
 * Test helpers (`alertflow/testing`): in-memory sources and sinks, a Kafka
 * broker for tests, and the Python oracle runner.
 *
 * @example
 * import { memorySource, memorySink } from 'alertflow/testing';
 */
export { memorySource, memorySink } from './memory.js';
export { ensureBroker, createTopic, deleteTopic } from './kafka.js';
export type { TestBroker } from './kafka.js';
export { pythonOracle, runPython, oracleScript, PYTHON_ORACLE_MISSING } from './python.js';
