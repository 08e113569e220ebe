"""Association oracle: astropy search_around_sky pairs, then the same
one-source-per-object greedy rule alertflow documents (pairs sorted by
separation, then diaSourceId, then diaObjectId; accept when both are free).

stdin: JSON {"radiusArcsec": r, "objects": [[id, ra, dec], ...], "sources": [[id, ra, dec], ...]}
       (ids as decimal strings)
stdout: JSON {"pairs": [[srcId, objId, sepArcsec], ...], "assigned": {srcId: [objId, sepArcsec]}}
"""
import json
import sys

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord, search_around_sky


def main():
    req = json.load(sys.stdin)
    r = float(req["radiusArcsec"])
    obj = req["objects"]
    src = req["sources"]
    obj_ids = [int(o[0]) for o in obj]
    src_ids = [int(s[0]) for s in src]
    oc = SkyCoord(np.array([o[1] for o in obj]) * u.deg, np.array([o[2] for o in obj]) * u.deg)
    sc = SkyCoord(np.array([s[1] for s in src]) * u.deg, np.array([s[2] for s in src]) * u.deg)
    i_src, i_obj, sep, _ = search_around_sky(sc, oc, r * u.arcsec)
    seps = sep.to_value(u.arcsec)
    pairs = sorted((float(seps[k]), src_ids[i_src[k]], obj_ids[i_obj[k]]) for k in range(len(i_src)))
    assigned = {}
    taken = set()
    for s, sid, oid in pairs:
        if sid in assigned or oid in taken:
            continue
        assigned[sid] = (oid, s)
        taken.add(oid)
    print(json.dumps({
        "pairs": [[str(sid), str(oid), s] for s, sid, oid in pairs],
        "assigned": {str(k): [str(v[0]), v[1]] for k, v in assigned.items()},
    }))


if __name__ == "__main__":
    main()
