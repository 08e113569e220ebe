/**
 * Reads a topic's configuration from the broker with the Kafka protocol's
 * DescribeConfigs request (API key 32, version 1), because node-rdkafka's
 * AdminClient has no describeConfigs. One request on one short-lived TCP
 * connection; the wire layout is the public protocol spec.
 */
import { connect } from 'node:net';
import { AlertflowError } from '../errors.js';

const API_DESCRIBE_CONFIGS = 32;
const VERSION = 1;
const RESOURCE_TOPIC = 2;

class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  i8(): number {
    return this.b.readInt8(this.pos++);
  }
  i16(): number {
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  str(): string | null {
    const n = this.i16();
    if (n < 0) return null;
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function request(topic: string, correlationId: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt16BE(API_DESCRIBE_CONFIGS, 0);
  head.writeInt16BE(VERSION, 2);
  head.writeInt32BE(correlationId, 4);
  const one = Buffer.alloc(4);
  one.writeInt32BE(1);
  const allKeys = Buffer.alloc(4);
  allKeys.writeInt32BE(-1);
  const body = Buffer.concat([head, str('alertflow-archive'), one, Buffer.from([RESOURCE_TOPIC]), str(topic), allKeys, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parse(frame: Buffer, topic: string, correlationId: number): Record<string, string | null> {
  const r = new Reader(frame);
  if (r.i32() !== correlationId) throw new AlertflowError('ERR_KAFKA', 'DescribeConfigs: response for another request');
  r.i32(); // throttle_time_ms
  const results = r.i32();
  const out: Record<string, string | null> = {};
  for (let i = 0; i < results; i++) {
    const error = r.i16();
    const message = r.str();
    r.i8();
    const name = r.str();
    if (error !== 0) throw new AlertflowError('ERR_KAFKA', `DescribeConfigs ${name ?? topic}: error ${error}${message ? ` (${message})` : ''}`, { topic, kafkaCode: error });
    const n = r.i32();
    for (let j = 0; j < n; j++) {
      const key = r.str() ?? '';
      out[key] = r.str();
      r.i8(); // read_only
      r.i8(); // config_source
      r.i8(); // is_sensitive
      const synonyms = r.i32();
      for (let k = 0; k < synonyms; k++) {
        r.str();
        r.str();
        r.i8();
      }
    }
  }
  return out;
}

/**
 * Every configuration entry of a topic, as the broker reports it (defaults
 * included; sensitive values come back null).
 *
 * @example
 * const cfg = await describeTopicConfig('127.0.0.1:19092', 'alerts');
 * cfg['retention.ms']; // '172800000'
 */
export async function describeTopicConfig(brokers: string, topic: string, options: { timeoutMs?: number } = {}): Promise<Record<string, string | null>> {
  const first = brokers.split(',')[0]!.trim();
  const m = /^(.*):(\d+)$/.exec(first);
  if (!m) throw new AlertflowError('ERR_KAFKA', `broker address must be host:port, got ${first}`, { brokers });
  const [host, port] = [m[1]!.replace(/^\[|\]$/g, ''), Number(m[2])];
  const correlationId = (Math.random() * 0x7fffffff) | 0;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (err: unknown) => {
      sock.destroy();
      reject(err instanceof AlertflowError ? err : new AlertflowError('ERR_KAFKA', `DescribeConfigs on ${first} failed: ${(err as Error).message}`, { brokers, topic }, { cause: err }));
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    sock.on('error', fail);
    sock.on('connect', () => sock.write(request(topic, correlationId)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      try {
        const result = parse(buf.subarray(4, 4 + buf.readInt32BE(0)), topic, correlationId);
        sock.end();
        resolve(result);
      } catch (err) {
        fail(err);
      }
    });
  });
}
