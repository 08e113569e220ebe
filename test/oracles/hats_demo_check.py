"""Checks the demo's HATS catalogs with the reference tools: strict validity and row counts."""
import json
import sys

import lsdb
from hats.io.validation import is_valid_catalog

out = {}
for name in sys.argv[1:]:
    cat = lsdb.open_catalog(name).compute()
    out[name] = {"valid": bool(is_valid_catalog(name, strict=True)), "rows": int(len(cat)), "columns": [str(c) for c in cat.columns]}
print(json.dumps(out))
