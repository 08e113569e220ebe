"""Bench peer: consume a topic with confluent-kafka (librdkafka), optionally decoding with fastavro.

Usage: bench_kafka_consume.py BROKERS TOPIC GROUP EXPECTED [SCHEMA_DIR SNR_MIN]
  Reads TOPIC from the beginning in a fresh consumer group until every
  assigned partition reported its end and EXPECTED messages arrived.
  With SCHEMA_DIR, each value (Confluent wire format) is decoded with
  fastavro.schemaless_reader and kept when diaSource.snr >= SNR_MIN: the
  peer of the TypeScript graph kafka -> decode -> filter -> sink.
Prints one JSON object: count, bytes, kept, seconds (consumer creation to
end), streamSeconds (first message to end), versions.
"""
import io
import json
import sys
import time

import confluent_kafka
import fastavro
from confluent_kafka import Consumer, KafkaError

from bench_fastavro_decode import load_schema

BATCH = 500
TIMEOUT_S = 300


def main():
    brokers, topic, group, expected = sys.argv[1:5]
    expected = int(expected)
    schema = load_schema(sys.argv[5]) if len(sys.argv) > 5 else None
    snr_min = float(sys.argv[6]) if len(sys.argv) > 6 else 5.0
    reader = fastavro.schemaless_reader

    t0 = time.perf_counter()
    consumer = Consumer({
        "bootstrap.servers": brokers,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    assigned, at_end = set(), set()

    def on_assign(c, parts):
        assigned.update(p.partition for p in parts)

    consumer.subscribe([topic], on_assign=on_assign)
    count = size = kept = 0
    first = None
    try:
        while time.perf_counter() - t0 < TIMEOUT_S:
            for m in consumer.consume(BATCH, timeout=0.2):
                err = m.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add(m.partition())
                        continue
                    raise SystemExit(f"consume failed: {err}")
                at_end.discard(m.partition())
                if first is None:
                    first = time.perf_counter()
                value = m.value()
                count += 1
                size += len(value)
                if schema is not None:
                    rec = reader(io.BytesIO(memoryview(value)[5:]), schema)
                    snr = rec["diaSource"].get("snr")
                    if snr is not None and snr >= snr_min:
                        kept += 1
            if count >= expected and assigned and at_end >= assigned:
                break
        end = time.perf_counter()
    finally:
        consumer.close()
    print(json.dumps({
        "count": count,
        "bytes": size,
        "kept": kept,
        "seconds": end - t0,
        "streamSeconds": end - (first if first is not None else t0),
        "decoded": schema is not None,
        "confluentKafka": confluent_kafka.version()[0],
        "librdkafka": confluent_kafka.libversion()[0],
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
