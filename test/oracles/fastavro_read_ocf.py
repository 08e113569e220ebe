"""fastavro oracle: read Avro Object Container Files with their embedded writer schemas.

Usage: fastavro_read_ocf.py FILE...
Prints a JSON object {file: [records...]} in the same plain form as
fastavro_decode.py: ints as decimal strings (exact for 64-bit longs), floats
as JSON numbers, bytes as {"$b64": ...}, timestamp-micros as microsecond strings.
"""
import json
import math
import sys

import fastavro

from fastavro_decode import plain


def no_nan(v):
    """NaN is not JSON: sent as the string "NaN"."""
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, list):
        return [no_nan(x) for x in v]
    if isinstance(v, dict):
        return {k: no_nan(x) for k, x in v.items()}
    return v


def main():
    out = {}
    for path in sys.argv[1:]:
        with open(path, "rb") as fh:
            out[path] = [no_nan(plain(rec)) for rec in fastavro.reader(fh)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
