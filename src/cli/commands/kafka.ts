/**
 * `alertflow kafka up|down|status`: a local single-node Kafka broker for
 * trying pipelines and running benches, managed through a state file so the
 * three commands work from separate shells.
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';

function parsePositiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new AlertflowError('ERR_CLI_USAGE', `${name} must be a positive integer, got '${v}'`, { [name]: v });
    return n;
  };
}

/**
 * Adds the `kafka` command group to the CLI program.
 *
 * @example
 * const program = new Command('alertflow');
 * registerKafkaCommand(program);
 * await program.parseAsync(['node', 'alertflow', 'kafka', 'up', '--partitions', '3']);
 */
export function registerKafkaCommand(program: Command): Command {
  const kafka = program
    .command('kafka')
    .description('run a local single-node Apache Kafka broker (KRaft, 127.0.0.1) for tests and benchmarks')
    .addHelpText('after', '\nThe broker jars are fetched from Maven Central on first use (needs java 17+ and mvn).\nSet ALERTFLOW_KAFKA_HOME to move the jar cache and state file (default <package>/.cache/kafka).');

  kafka
    .command('up')
    .description('start the broker (does nothing if it is already running) and print its address')
    .option('--port <port>', 'client port (default 19092, or a free port when 19092 is taken)', parsePositiveInt('port'))
    .option('--partitions <n>', 'partitions of auto-created topics', parsePositiveInt('partitions'), 1)
    .option('--data-dir <dir>', 'keep config, log and data in this directory (default: a temp dir deleted by `down`)')
    .option('--json', 'print the broker state as JSON')
    .action(async (o: { port?: number; partitions: number; dataDir?: string; json?: boolean }) => {
      const { startBroker } = await import('../../kafka/broker.js');
      const s = await startBroker({ ...(o.port !== undefined ? { port: o.port } : {}), partitions: o.partitions, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
      if (o.json) console.log(JSON.stringify(s, null, 2));
      else console.log(`kafka ${s.kafkaVersion} running at ${s.brokers} (pid ${s.pid}, log ${s.logFile})`);
    });

  kafka
    .command('down')
    .description('stop the broker started by `alertflow kafka up` and delete its temp data')
    .action(async () => {
      const { stopBroker } = await import('../../kafka/broker.js');
      console.log((await stopBroker()) ? 'kafka stopped' : 'no kafka broker was running');
    });

  kafka
    .command('status')
    .description('show whether the broker is running and answering (exit code 1 when it is not)')
    .option('--json', 'print the status as JSON')
    .action(async (o: { json?: boolean }) => {
      const { brokerStatus } = await import('../../kafka/broker.js');
      const st = await brokerStatus();
      if (o.json) console.log(JSON.stringify(st, null, 2));
      else if (!st.state) console.log('kafka: not running');
      else console.log(`kafka: ${st.running ? (st.reachable ? 'running' : 'running, not answering') : 'dead (stale state)'} at ${st.state.brokers} (pid ${st.state.pid}, log ${st.state.logFile})`);
      if (!st.running || !st.reachable) process.exitCode = 1;
    });

  kafka
    .command('create-topic')
    .description('create an alert topic whose messages expire after a retention time (Kafka is for hot data; deliveries archive the rest)')
    .requiredOption('--brokers <list>', 'bootstrap servers, e.g. 127.0.0.1:19092')
    .requiredOption('--topic <name>', 'topic to create')
    .option('--partitions <n>', 'partitions', '1')
    .requiredOption('--retention-hours <h>', 'how long the broker keeps alerts (sets retention.ms)')
    .option('--if-exists <mode>', '"error" or "ignore"', 'error')
    .action(async (o: { brokers: string; topic: string; partitions: string; retentionHours: string; ifExists: string }) => {
      const { createAlertTopic } = await import('../../archive/topics.js');
      const r = await createAlertTopic(o.brokers, o.topic, { partitions: Number(o.partitions), retentionHours: Number(o.retentionHours), ifExists: o.ifExists === 'ignore' ? 'ignore' : 'error' });
      console.log(`kafka: topic ${o.topic} ${r.created ? 'created' : 'exists'} (retention.ms ${r.retentionMs})`);
    });

  kafka
    .command('describe-topic')
    .description("print a topic's configuration as the broker reports it (retention.ms among others)")
    .requiredOption('--brokers <list>', 'bootstrap servers')
    .requiredOption('--topic <name>', 'topic')
    .action(async (o: { brokers: string; topic: string }) => {
      const { describeTopicConfig } = await import('../../archive/kafka-configs.js');
      console.log(JSON.stringify(await describeTopicConfig(o.brokers, o.topic), null, 2));
    });

  return kafka;
}
