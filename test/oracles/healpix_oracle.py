"""HEALPix oracle for alertflow's src/sky tests: healpy and cdshealpix answers.

Usage (all binary files are little-endian):
  ang2pix IN OUT ORDERS   IN: float64 ra[n] then dec[n] (degrees); ORDERS: "0,1,29".
                          OUT: per order, int64 healpy[n] then int64 cdshealpix[n].
  pix2ang IN OUT          IN: int64 (order, index) pairs. OUT: float64 healpy lon[n], lat[n],
                          then cdshealpix centre lon[n], lat[n] (degrees).
  neighbours IN OUT       IN: int64 (order, index) pairs. OUT: int64 [n][8] from
                          healpy.get_all_neighbours (SW, W, NW, N, NE, E, SE, S; -1 if none).
  disc                    stdin: JSON [[order, ra, dec, radius_deg], ...]. stdout: JSON list of
                          {"centre": [...], "inclusive": [...], "cds": [...]} (sorted NESTED
                          indices: healpy query_disc inclusive=False / inclusive=True, cdshealpix
                          cone_search).
  trig IN OUT             IN: float64 x[n]. OUT: float64 sin[n] then cos[n] (the libm Python uses).
  bench IN                times healpy.ang2pix and cdshealpix.lonlat_to_healpix (orders 29 and
                          10) on the points of IN (as for ang2pix); prints one JSON line of rates.
"""
import json
import math
import sys
import time

import numpy as np
import healpy as hp
import astropy.units as u
from astropy.coordinates import Latitude, Longitude
import cdshealpix
from cdshealpix import nested as cn


def read_pairs(path):
    a = np.fromfile(path, dtype="<i8").reshape(-1, 2)
    return a[:, 0], a[:, 1]


def cmd_ang2pix(inp, out, orders):
    a = np.fromfile(inp, dtype="<f8")
    n = a.size // 2
    ra, dec = a[:n], a[n:]
    lon, lat = Longitude(ra, u.deg), Latitude(dec, u.deg)
    parts = []
    for k in (int(o) for o in orders.split(",")):
        parts.append(hp.ang2pix(2**k, ra, dec, nest=True, lonlat=True).astype("<i8"))
        parts.append(cn.lonlat_to_healpix(lon, lat, k).astype("<i8"))
    np.concatenate(parts).tofile(out)


def cmd_pix2ang(inp, out):
    orders, ipix = read_pairs(inp)
    n = ipix.size
    hl = np.empty(n)
    hb = np.empty(n)
    cl = np.empty(n)
    cb = np.empty(n)
    for k in np.unique(orders):
        m = orders == k
        hl[m], hb[m] = hp.pix2ang(2 ** int(k), ipix[m], nest=True, lonlat=True)
        lo, la = cn.healpix_to_lonlat(ipix[m].astype(np.uint64), int(k))
        cl[m], cb[m] = lo.deg, la.deg
    np.concatenate([hl, hb, cl, cb]).astype("<f8").tofile(out)


def cmd_neighbours(inp, out):
    orders, ipix = read_pairs(inp)
    res = np.empty((ipix.size, 8), dtype="<i8")
    for k in np.unique(orders):
        m = orders == k
        res[m] = hp.get_all_neighbours(2 ** int(k), ipix[m], nest=True).T
    res.tofile(out)


def cmd_disc():
    out = []
    for order, ra, dec, radius in json.load(sys.stdin):
        nside = 2 ** int(order)
        vec = hp.ang2vec(ra, dec, lonlat=True)
        r = math.radians(radius)
        centre = np.sort(hp.query_disc(nside, vec, r, inclusive=False, nest=True))
        incl = np.sort(hp.query_disc(nside, vec, r, inclusive=True, nest=True))
        ipix, _depth, _full = cn.cone_search(Longitude(ra, u.deg), Latitude(dec, u.deg), radius * u.deg, int(order), flat=True)
        out.append({"centre": centre.tolist(), "inclusive": incl.tolist(), "cds": np.sort(ipix.astype(np.int64)).tolist()})
    json.dump(out, sys.stdout)


def cmd_trig(inp, out):
    x = np.fromfile(inp, dtype="<f8")
    s = np.array([math.sin(v) for v in x])
    c = np.array([math.cos(v) for v in x])
    np.concatenate([s, c]).astype("<f8").tofile(out)


def cmd_bench(inp):
    a = np.fromfile(inp, dtype="<f8")
    n = a.size // 2
    ra, dec = a[:n], a[n:]
    res = {"points": n, "healpy": hp.__version__, "cdshealpix": cdshealpix.__version__, "numpy": np.__version__}
    for k in (29, 10):
        best = {}
        for name, fn in (
            ("healpy", lambda: hp.ang2pix(2**k, ra, dec, nest=True, lonlat=True)),
            # Longitude/Latitude construction is part of what hats pays per call.
            ("cdshealpix", lambda: cn.lonlat_to_healpix(Longitude(ra, u.deg), Latitude(dec, u.deg), k, num_threads=1)),
        ):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            best[name] = n / sorted(times)[1]  # median of 3, points per second
        res[f"order{k}"] = best
    print(json.dumps(res))


def main(argv):
    cmd = argv[1]
    if cmd == "ang2pix":
        cmd_ang2pix(argv[2], argv[3], argv[4])
    elif cmd == "pix2ang":
        cmd_pix2ang(argv[2], argv[3])
    elif cmd == "neighbours":
        cmd_neighbours(argv[2], argv[3])
    elif cmd == "disc":
        cmd_disc()
    elif cmd == "trig":
        cmd_trig(argv[2], argv[3])
    elif cmd == "bench":
        cmd_bench(argv[2])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
