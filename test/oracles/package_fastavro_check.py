"""Oracle: fastavro reads the alert packets alertflow writes, and every field
equals what alertflow says it wrote.

Usage: package_fastavro_check.py LSST_SCHEMA_ROOT CASE_DIR
  LSST_SCHEMA_ROOT is ../shared/data/lsst-alert-packet (official .avsc files).
  CASE_DIR holds case_N.bin (a Confluent wire packet) and case_N.json:
  {"schema": "lsst.v11_0", "id": 1100, "alert": {...}} where the alert is
  exact JSON (integers with every digit, NaN allowed, bytes as {"$bytes": b64}).
Each packet: byte 0 must be 0 and bytes 1-4 the id; the body is read with
fastavro.schemaless_reader and the official schema and compared field by
field, walking the schema: ints/longs and doubles exactly, floats exactly
after rounding the expected value to float32, bytes byte for byte, and the
record's field set must equal the schema's. Prints one JSON summary line.
"""
import base64
import glob
import io
import json
import math
import os
import struct
import sys

import fastavro

ORDER = {
    "9": ["diaSource", "diaForcedSource", "diaObject", "ssSource", "MPCORB", "alert"],
    "10": ["diaSource", "diaForcedSource", "diaObject", "ssSource", "mpc_orbits", "alert"],
    "11": ["diaSource", "diaForcedSource", "diaObject", "ssSource", "mpc_orbits", "alert"],
}


def strip_logical(node):
    """Timestamps are compared as the raw longs written, not as datetimes."""
    if isinstance(node, dict):
        return {k: strip_logical(v) for k, v in node.items() if k != "logicalType"}
    if isinstance(node, list):
        return [strip_logical(x) for x in node]
    return node


def load(root, major):
    named, parsed, raw = {}, None, {}
    for name in ORDER[major]:
        with open(os.path.join(root, f"{major}.0", f"lsst.v{major}_0.{name}.avsc")) as fh:
            doc = strip_logical(json.load(fh))
        raw[f"lsst.v{major}_0.{name}"] = doc
        parsed = fastavro.parse_schema(doc, named_schemas=named)
    return parsed, raw


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def same_float(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


class Checker:
    def __init__(self, raw):
        self.raw = raw
        self.fields = 0
        self.mismatches = []

    def bad(self, path, msg):
        if len(self.mismatches) < 20:
            self.mismatches.append(f"{path}: {msg}")

    def walk(self, schema, exp, act, path):
        if isinstance(schema, str) and schema in self.raw:
            schema = self.raw[schema]
        if isinstance(schema, list):
            if exp is None:
                if act is not None:
                    self.bad(path, f"expected null, read {act!r}")
                self.fields += 1
                return
            branch = [b for b in schema if b != "null"]
            return self.walk(branch[0], exp, act, path)
        if isinstance(schema, dict):
            t = schema["type"]
            if t == "record":
                names = [f["name"] for f in schema["fields"]]
                if not isinstance(act, dict) or not isinstance(exp, dict):
                    return self.bad(path, "not a record")
                if sorted(act.keys()) != sorted(names) or sorted(exp.keys()) != sorted(names):
                    return self.bad(path, f"field sets differ: read {sorted(set(act) ^ set(names))}, expected {sorted(set(exp) ^ set(names))}")
                for f in schema["fields"]:
                    self.walk(f["type"], exp[f["name"]], act[f["name"]], f"{path}.{f['name']}")
                return
            if t == "array":
                if len(exp) != len(act):
                    return self.bad(path, f"length {len(act)} read, {len(exp)} expected")
                for i, (e, a) in enumerate(zip(exp, act)):
                    self.walk(schema["items"], e, a, f"{path}[{i}]")
                return
            return self.walk(t, exp, act, path)
        self.fields += 1
        if schema == "null":
            ok = exp is None and act is None
        elif schema == "boolean":
            ok = isinstance(act, bool) and act is exp
        elif schema in ("int", "long"):
            ok = isinstance(act, int) and not isinstance(act, bool) and isinstance(exp, int) and act == exp
        elif schema == "float":
            ok = isinstance(act, float) and same_float(act, f32(float(exp)))
        elif schema == "double":
            ok = isinstance(act, float) and same_float(act, float(exp))
        elif schema == "string":
            ok = act == exp
        elif schema == "bytes":
            ok = isinstance(act, bytes) and act == base64.b64decode(exp["$bytes"])
        else:
            ok = False
        if not ok:
            self.bad(path, f"read {act!r:.80}, expected {exp!r:.80} ({schema})")


def main():
    root, case_dir = sys.argv[1:3]
    schemas = {}
    total_fields, mismatches, cases = 0, [], 0
    for meta_path in sorted(glob.glob(os.path.join(case_dir, "case_*.json"))):
        with open(meta_path) as fh:
            meta = json.load(fh)
        with open(meta_path[:-5] + ".bin", "rb") as fh:
            packet = fh.read()
        major = meta["schema"].split(".v")[1].split("_")[0]
        if major not in schemas:
            schemas[major] = load(root, major)
        parsed, raw = schemas[major]
        name = os.path.basename(meta_path)
        if packet[0] != 0 or struct.unpack(">I", packet[1:5])[0] != meta["id"]:
            mismatches.append(f"{name}: header {packet[:5].hex()} is not 00 + id {meta['id']}")
            continue
        body = io.BytesIO(packet[5:])
        value = fastavro.schemaless_reader(body, parsed)
        if body.tell() != len(packet) - 5:
            mismatches.append(f"{name}: {len(packet) - 5 - body.tell()} bytes left after the record")
        checker = Checker(raw)
        checker.walk(f"lsst.v{major}_0.alert", meta["alert"], value, name)
        total_fields += checker.fields
        mismatches += checker.mismatches
        cases += 1
    print(json.dumps({"cases": cases, "fields": total_fields, "mismatches": mismatches[:40], "fastavro": fastavro.__version__}))


if __name__ == "__main__":
    main()
