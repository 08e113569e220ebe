"""Oracle for the streaming mosaic: opens the mosaic and its tiles with
astropy, rebuilds the PB^2-weighted coadd with reproject's bilinear
reproject_interp, and reports how far our pixels are from it (JSON on stdout).
Usage: mosaic_check.py MOSAIC.fits TILE.fits [TILE.fits ...]"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

try:
    from reproject import reproject_interp
except ImportError:
    print(json.dumps({"skip": "reproject not installed in the oracle venv"}))
    sys.exit(0)

warnings.simplefilter("ignore")
mosaic_path, tiles = sys.argv[1], sys.argv[2:]
with fits.open(mosaic_path) as hdul:
    mosaic = hdul[0].data.astype(np.float64)
    weight = hdul["WEIGHT"].data.astype(np.float64)
    mwcs = WCS(hdul[0].header)
    ctype = list(mwcs.wcs.ctype)
shape = mosaic.shape
num = np.zeros(shape)
den = np.zeros(shape)
for path in tiles:
    with fits.open(path) as hdul:
        img, pb = hdul[0].data.astype(np.float64), hdul["PB"].data.astype(np.float64)
        twcs = WCS(hdul[0].header)
    rimg, _ = reproject_interp((img, twcs), mwcs, shape_out=shape, order="bilinear")
    rpb, _ = reproject_interp((pb, twcs), mwcs, shape_out=shape, order="bilinear")
    ok = np.isfinite(rpb) & np.isfinite(rimg) & (rpb > 0)
    w = np.where(ok, rpb, 0.0) ** 2
    num += w * np.where(ok, rimg, 0.0)
    den += w
ref = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
# Compare where the weight is well defined (edges of the 10% PB cut are where
# bilinear samples straddle zero-weight pixels; both sides agree there too, but
# relative errors blow up as the weight goes to 0).
mask = (den > 1e-3) & np.isfinite(mosaic)
diff = np.abs(mosaic - ref)[mask]
peak = float(np.nanmax(np.abs(ref[mask]))) if mask.any() else 0.0
print(json.dumps({
    "shape": list(shape),
    "ctype": ctype,
    "compared": int(mask.sum()),
    "covered_ref": int((den > 0).sum()),
    "covered_ours": int(np.isfinite(mosaic).sum()),
    "max_abs_diff": float(diff.max()) if diff.size else None,
    "peak": peak,
    "max_weight_diff": float(np.nanmax(np.abs(weight - den)[den > 1e-3])) if (den > 1e-3).any() else None,
}))
