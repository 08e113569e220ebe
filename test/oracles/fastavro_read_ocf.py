"""fastavro oracle: read Avro Object Container Files with their embedded writer schemas.

Usage: fastavro_read_ocf.py FILE...
Prints a JSON object {file: [records...]} in the same plain form as
fastavro_decode.py: ints as decimal strings (exact for 64-bit longs), floats
as JSON numbers, bytes as {"$b64": ...}, timestamp-micros as microsecond strings.
"""
import json
import sys

import fastavro

from fastavro_decode import plain


def main():
    out = {}
    for path in sys.argv[1:]:
        with open(path, "rb") as fh:
            out[path] = [plain(rec) for rec in fastavro.reader(fh)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
