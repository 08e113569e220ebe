"""fastavro oracle: decode schemaless Avro bodies with the official schema files.

Usage: fastavro_decode.py SCHEMA_DIR PREFIX FRAMES_FILE
  SCHEMA_DIR holds PREFIX.<name>.avsc (e.g. lsst.v11_0.alert.avsc and the records it names).
  FRAMES_FILE is a sequence of 4-byte big-endian lengths each followed by one body.
Prints a JSON array of the decoded records: ints as decimal strings (exact for
64-bit longs), floats as JSON numbers (repr, so doubles round-trip), bytes as
{"$b64": ...}, timestamp-micros back as microsecond strings.
"""
import base64
import datetime as dt
import io
import json
import struct
import sys

import fastavro

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
ORDER = ["diaSource", "diaForcedSource", "diaObject", "ssSource", "mpc_orbits", "alert"]


def plain(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return v
    if isinstance(v, bytes):
        return {"$b64": base64.b64encode(v).decode()}
    if isinstance(v, dt.datetime):
        d = v - EPOCH
        return str((d.days * 86400 + d.seconds) * 10**6 + d.microseconds)
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    raise TypeError(type(v))


def main():
    schema_dir, prefix, frames = sys.argv[1:4]
    named = {}
    parsed = None
    for name in ORDER:
        with open(f"{schema_dir}/{prefix}.{name}.avsc") as fh:
            parsed = fastavro.parse_schema(json.load(fh), named_schemas=named)
    data = open(frames, "rb").read()
    out, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        body = io.BytesIO(data[pos + 4 : pos + 4 + n])
        rec = fastavro.schemaless_reader(body, parsed)
        if body.tell() != n:
            raise SystemExit(f"record at {pos}: {n - body.tell()} trailing bytes")
        out.append(plain(rec))
        pos += 4 + n
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
