"""Writes the two synthesised packets in test/data/real-alerts/synthesised/ (run once; outputs are committed).

Usage: make_synthesised_alerts.py SHARED_DATA_DIR OUT_DIR

1. ztf-3.2-writer.avro: one ZTF alert written by fastavro with the ZTF 3.2
   writer schema in OUT_DIR/ztf-3.2-schema/ (unions ["T","null"] with default
   null, tooflag ["int","null"] with default 0, as ZTF 2019 packets declare).
   Values come from the real ZTF 4.02 packet in boom-test-alerts (fields that
   3.2 lacks are dropped; fp_hists too).
2. lsst-9.0-spark-toplevelrecord.avro: the real boom LSST 9.0 packet's
   values, written with the 9.0 schema the way Spark writes it: top record
   named topLevelRecord, nested records renamed into its namespace, nullable
   unions as ["T","null"].
"""
import io
import json
import os
import sys

import fastavro


def load_named(folder, names):
    named = {}
    for n in names:
        with open(os.path.join(folder, n)) as fh:
            fastavro.parse_schema(json.load(fh), named_schemas=named)
    return named


def ztf32(shared, out):
    sdir = os.path.join(out, "ztf-3.2-schema")
    docs = [json.load(open(os.path.join(sdir, n))) for n in ("cutout.avsc", "candidate.avsc", "prv_candidate.avsc", "alert.avsc")]
    named = {}
    for d in docs:
        parsed = fastavro.parse_schema(d, named_schemas=named)
    with open(os.path.join(shared, "boom-test-alerts/ztf/2695378462115010012.avro"), "rb") as fh:
        rec = next(iter(fastavro.reader(fh)))
    cand_fields = [f["name"] for f in docs[1]["fields"]]
    prv_fields = [f["name"] for f in docs[2]["fields"]]
    rec["schemavsn"] = "3.2"
    rec["candidate"] = {k: rec["candidate"][k] for k in cand_fields}
    rec["prv_candidates"] = [{k: p[k] for k in prv_fields} for p in (rec["prv_candidates"] or [])]
    rec.pop("fp_hists", None)
    with open(os.path.join(out, "ztf-3.2-writer.avro"), "wb") as fh:
        fastavro.writer(fh, fastavro.parse_schema(inline_once(docs[3], {d["namespace"] + "." + d["name"]: d for d in docs[:3]})), [rec], codec="deflate")


def inline_once(schema, defs, seen=None):
    """Self-contained schema: each named record written out at first use, referenced by name after (as ZTF files do)."""
    seen = set() if seen is None else seen
    if isinstance(schema, str):
        if schema in defs and schema not in seen:
            seen.add(schema)
            return inline_once(defs[schema], defs, seen)
        return schema
    if isinstance(schema, list):
        return [inline_once(x, defs, seen) for x in schema]
    out = dict(schema)
    if out.get("type") == "record":
        out["fields"] = [dict(f, type=inline_once(f["type"], defs, seen)) for f in out["fields"]]
    elif out.get("type") == "array":
        out["items"] = inline_once(out["items"], defs, seen)
    return out


def spark_style(schema):
    """The 9.0 schema (inlined) as Spark's Avro writer names and orders it:
    each nested record is named after its field, in its parent's namespace."""
    def conv(t, name, ns):
        if isinstance(t, list):
            rest = [conv(x, name, ns) for x in t if x != "null"]
            return rest + ["null"] if "null" in t else rest
        if isinstance(t, dict):
            t = dict(t)
            if t.get("type") == "record":
                full = f"{ns}.{name}" if ns else name
                t["name"], t["namespace"] = name, ns
                t["fields"] = [{"name": f["name"], "type": conv(f["type"], f["name"], full)} for f in t["fields"]]
            elif t.get("type") == "array":
                t["items"] = conv(t["items"], name, ns)
            return t
        return t
    top = conv(schema, "topLevelRecord", "")
    top.pop("namespace", None)
    return top


def lsst_spark(shared, out):
    folder = os.path.join(shared, "lsst-alert-packet/9.0")
    named = {}
    for n in ("diaSource", "diaForcedSource", "diaObject", "ssSource", "MPCORB", "alert"):
        parsed = fastavro.parse_schema(json.load(open(os.path.join(folder, f"lsst.v9_0.{n}.avsc"))), named_schemas=named)
    raw = open(os.path.join(shared, "boom-test-alerts/lsst/7912941781254298.avro"), "rb").read()
    rec = fastavro.schemaless_reader(io.BytesIO(raw[5:]), parsed)
    inlined = fastavro.schema.expand_schema(parsed)
    spark = fastavro.parse_schema(spark_style(inlined))
    with open(os.path.join(out, "lsst-9.0-spark-toplevelrecord.avro"), "wb") as fh:
        fastavro.writer(fh, spark, [rec], codec="deflate")


if __name__ == "__main__":
    shared, out = sys.argv[1:3]
    ztf32(shared, out)
    lsst_spark(shared, out)
