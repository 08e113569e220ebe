"""Parquet oracle for the DuckDB store exports: pyarrow (and nested-pandas)
read files alertflow wrote and report schema and values.

Usage: store_parquet_check.py JOB.json  (prints one JSON document on stdout)
JOB = {"table": path, "lightcurves": path, "nested": column name}
Ids are printed as decimal strings so that 64-bit values stay exact.
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def plain(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return v
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return str(v)


def main():
    job = json.load(open(sys.argv[1]))
    out = {}
    t = pq.read_table(job["table"])
    out["table"] = {
        "rows": t.num_rows,
        "types": {f.name: str(f.type) for f in t.schema},
        "nullable": {f.name: f.nullable for f in t.schema},
        "ids": [str(x) for x in t.column("diaSourceId").to_pylist()],
        "objectIds": [None if x is None else str(x) for x in t.column("diaObjectId").to_pylist()],
        "mjd": t.column("midpointMjdTai").to_pylist(),
        "psfFlux": t.column("psfFlux").to_pylist(),
        "compression": pq.ParquetFile(job["table"]).metadata.row_group(0).column(0).compression,
    }
    lc = pq.read_table(job["lightcurves"])
    col = job["nested"]
    field = lc.schema.field(col)
    struct_of_lists = pa.types.is_struct(field.type) and all(pa.types.is_list(field.type.field(i).type) for i in range(field.type.num_fields))
    rows = lc.column(col).to_pylist()
    equal_lengths = all(len(set(len(v) for v in r.values())) == 1 for r in rows)
    out["lightcurves"] = {
        "rows": lc.num_rows,
        "type": str(field.type),
        "structOfLists": struct_of_lists,
        "equalLengths": equal_lengths,
        "objectIds": [str(x) for x in lc.column("diaObjectId").to_pylist()],
        "values": [plain(r) for r in rows],
    }
    try:
        import nested_pandas as npd

        df = npd.read_parquet(job["lightcurves"])
        out["nestedPandas"] = {
            "dtype": str(df.dtypes[col]),
            "isNested": type(df.dtypes[col]).__name__ == "NestedDtype",
            "flatRows": int(len(df[col].nest.to_flat())),
            "subColumns": list(df[col].nest.columns),
        }
    except ImportError as e:
        out["nestedPandas"] = {"error": str(e)}
    json.dump(out, sys.stdout)


main()
