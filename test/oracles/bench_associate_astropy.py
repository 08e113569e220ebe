"""Bench peer for association: astropy search_around_sky over the same
objects and sources, then the same greedy one-source-per-object selection.

argv: DIR R_ARCSEC REPEAT; DIR holds obj_ra.f64 obj_dec.f64 obj_id.i64 src_ra.f64 src_dec.f64 src_id.i64
stdout (last line): JSON with timings in seconds and counts.
"""
import json
import sys
import time

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord, search_around_sky


def greedy(i_src, i_obj, sep, src_id, obj_id):
    # Same total order as alertflow: separation, then diaSourceId, then diaObjectId.
    order = np.lexsort((obj_id[i_obj], src_id[i_src], sep))
    used_src = np.zeros(len(src_id), dtype=bool)
    used_obj = set()
    assigned = 0
    for k in order:
        s = i_src[k]
        o = i_obj[k]
        if used_src[s] or o in used_obj:
            continue
        used_src[s] = True
        used_obj.add(o)
        assigned += 1
    return assigned


def main():
    d, r, repeat = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    load = lambda name, dt: np.fromfile(f"{d}/{name}", dtype=dt)
    ora, odec, oid = load("obj_ra.f64", "<f8"), load("obj_dec.f64", "<f8"), load("obj_id.i64", "<i8")
    sra, sdec, sid = load("src_ra.f64", "<f8"), load("src_dec.f64", "<f8"), load("src_id.i64", "<i8")
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        oc = SkyCoord(ora * u.deg, odec * u.deg)
        sc = SkyCoord(sra * u.deg, sdec * u.deg)
        t1 = time.perf_counter()
        # First call builds the k-d tree over the objects (cached on `oc`).
        i_src, i_obj, sep, _ = search_around_sky(sc, oc, r * u.arcsec)
        t2 = time.perf_counter()
        i_src2, i_obj2, sep2, _ = search_around_sky(sc, oc, r * u.arcsec)
        t3 = time.perf_counter()
        assigned = greedy(i_src, i_obj, sep.to_value(u.arcsec), sid, oid)
        t4 = time.perf_counter()
        rounds.append({"coords": t1 - t0, "searchWithBuild": t2 - t1, "searchCached": t3 - t2, "select": t4 - t3, "pairs": int(len(i_src)), "assigned": int(assigned)})
    med = lambda k: float(np.median([x[k] for x in rounds]))
    print(json.dumps({"coords": med("coords"), "searchWithBuild": med("searchWithBuild"), "searchCached": med("searchCached"), "select": med("select"), "pairs": rounds[0]["pairs"], "assigned": rounds[0]["assigned"], "rounds": rounds}))


if __name__ == "__main__":
    main()
