"""Cutout oracle: astropy.nddata.Cutout2D stamps, and ZScaleInterval limits.

Usage: cutout_cutout2d.py IMAGE.fits < JOB.json   (prints JSON)
JOB = {"hdu": 0, "cutouts": [{"ra", "dec", "size": n | [ny, nx], "unit": "pix" | "arcsec"}],
       "zscale": [[values...], ...]}
Each cutout gives {"outside": true} (NoOverlapError) or its shape, data (NaN as null),
the stamp WCS's CRPIX and the sky position of the stamp's central pixel.
"""
import json
import math
import sys
import warnings

import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import Cutout2D, NoOverlapError
from astropy.visualization import ZScaleInterval
from astropy.wcs import WCS


def nan_none(x):
    return None if math.isnan(x) else float(x)


def main():
    job = json.load(sys.stdin)
    with fits.open(sys.argv[1]) as hdul:
        hdu = hdul[job.get("hdu", 0)]
        data = np.asarray(hdu.data, dtype=float) if hdu.data.dtype.kind in "iu" else hdu.data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wcs = WCS(hdu.header)
        out = []
        for c in job.get("cutouts", []):
            size = c["size"] if isinstance(c["size"], (int, float)) else tuple(c["size"])
            if c.get("unit") == "arcsec":
                size = u.Quantity(size, u.arcsec)
            pos = SkyCoord(c["ra"] * u.deg, c["dec"] * u.deg, frame="icrs")
            try:
                cut = Cutout2D(data, pos, size, wcs=wcs, mode="partial", fill_value=np.nan)
            except NoOverlapError:
                out.append({"outside": True})
                continue
            ny, nx = cut.data.shape
            cx, cy = (nx - 1) / 2, (ny - 1) / 2
            ra, dec = cut.wcs.all_pix2world(cx, cy, 0)
            out.append({
                "outside": False,
                "shape": [ny, nx],
                "data": [nan_none(v) for v in cut.data.ravel()],
                "crpix": [float(v) for v in cut.wcs.wcs.crpix],
                "center": [float(ra), float(dec)],
                "origin": [int(cut.origin_original[0]), int(cut.origin_original[1])],
                "position": [float(v) for v in cut.input_position_original],
            })
        zs = [list(map(float, ZScaleInterval().get_limits(np.array(v, dtype=float)))) for v in job.get("zscale", [])]
    json.dump({"cutouts": out, "zscale": zs}, sys.stdout)


if __name__ == "__main__":
    main()
