"""Bench peer: fastavro decode throughput on the packets the TypeScript bench decodes.

Usage: bench_fastavro_decode.py SCHEMA_DIR FRAMES_FILE [HEADER_BYTES]
  SCHEMA_DIR holds the official lsst.v11_0.<name>.avsc files.
  FRAMES_FILE is a sequence of 4-byte big-endian lengths, each followed by one
  packet; the first HEADER_BYTES (default 5, the Confluent wire header) of each
  packet are skipped so that fastavro reads the schemaless body.
Prints one JSON object: alerts, bytes, seconds (decode loop only; file reading
and schema parsing are excluded, as the TypeScript side excludes them too).
"""
import io
import json
import struct
import sys
import time

import fastavro

# Named types must be parsed before the records that use them.
ORDER = ["diaSource", "diaForcedSource", "diaObject", "ssSource", "mpc_orbits", "alert"]


def load_schema(schema_dir):
    named = {}
    parsed = None
    for name in ORDER:
        with open(f"{schema_dir}/lsst.v11_0.{name}.avsc") as fh:
            parsed = fastavro.parse_schema(json.load(fh), named_schemas=named)
    return parsed


def split(data, header_bytes):
    bodies, pos = [], 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from(">I", data, pos)
        bodies.append(data[pos + 4 + header_bytes : pos + 4 + n])
        pos += 4 + n
    return bodies


def main():
    schema_dir, frames = sys.argv[1:3]
    header_bytes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    schema = load_schema(schema_dir)
    with open(frames, "rb") as fh:
        bodies = split(fh.read(), header_bytes)
    total = sum(len(b) + header_bytes for b in bodies)
    reader = fastavro.schemaless_reader
    t0 = time.perf_counter()
    for body in bodies:
        reader(io.BytesIO(body), schema)
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "alerts": len(bodies),
        "bytes": total,
        "seconds": seconds,
        "fastavro": fastavro.__version__,
        "compiled": type(reader).__name__ == "cython_function_or_method" or "cyfunction" in repr(reader),
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
