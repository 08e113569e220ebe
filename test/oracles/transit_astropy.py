"""Oracle for src/mosaic/transit.ts: astropy's mean sidereal time (IAU 2006)
and meridian transits found by solving LST(t) = RA with astropy alone.
stdin: {"lon": deg, "lat": deg, "gmst": [mjd...], "transits": [{"ra": deg, "near": mjd}...]}
stdout: {"gmst_deg": [...], "lst_deg": [...], "transit_mjd": [...]}"""
import json
import sys
import warnings

import numpy as np
import astropy.units as u
from astropy.coordinates import EarthLocation, Longitude
from astropy.time import Time
from astropy.utils import iers

warnings.simplefilter("ignore")
iers.conf.auto_download = False  # offline: bundled IERS tables (UT1-UTC under a second)

req = json.load(sys.stdin)
loc = EarthLocation.from_geodetic(req["lon"] * u.deg, req["lat"] * u.deg)


def lst(mjd):
    return Time(mjd, format="mjd", scale="utc", location=loc).sidereal_time("mean").to_value(u.deg)


out = {"gmst_deg": [], "lst_deg": [], "transit_mjd": []}
for m in req["gmst"]:
    t = Time(m, format="mjd", scale="utc")
    out["gmst_deg"].append(float(t.sidereal_time("mean", "greenwich").to_value(u.deg)))
    out["lst_deg"].append(float(lst(m)))
for c in req["transits"]:
    # Secant iterations on the hour angle, wrapped to (-180, 180].
    t = c["near"]
    for _ in range(8):
        ha = Longitude((lst(t) - c["ra"]) * u.deg, wrap_angle=180 * u.deg).to_value(u.deg)
        t = t - ha / 360.0 / 1.0027379093
    out["transit_mjd"].append(float(t))
print(json.dumps(out))
