"""Forced PSF photometry oracle: photutils PSFPhotometry with positions held fixed.

Usage: photometry_psf.py JOB.json   (prints one JSON document on its last stdout line)
JOB = {
  "image": path, "hdu": int (default 0),
  "variance": path | null, "sigma": float | null,     # error = sqrt(variance) or sigma everywhere
  "fwhm": float | null,                                 # CircularGaussianPRF
  "psf": path | null,                                   # ImagePSF (normalised to sum 1)
  "fit_shape": [ny, nx],
  "positions": [[x, y], ...],                           # zero-based pixels
  "flux_init": float,                                   # starting flux for every source
  "render": {"x": .., "y": .., "fwhm": .., "box": [x0, y0, nx, ny]} | null  # model values for a check
}
Out: {"flux": [...], "flux_err": [...], "flags": [...], "seconds": t_fit, "seconds_total": t, "model": [...]}
"""
import json
import sys
import time
import warnings

import numpy as np
from astropy.io import fits
from astropy.table import Table


def nan_to_none(a):
    return [None if not np.isfinite(v) else float(v) for v in a]


def main():
    t0 = time.perf_counter()
    job = json.load(open(sys.argv[1]))
    from photutils.psf import CircularGaussianPRF, ImagePSF, PSFPhotometry

    hdu = job.get("hdu", 0) or 0
    data = fits.getdata(job["image"], ext=hdu).astype(float)
    if job.get("variance"):
        error = np.sqrt(fits.getdata(job["variance"], ext=hdu).astype(float))
    else:
        error = np.full(data.shape, float(job["sigma"]))
    if job.get("psf"):
        psf = fits.getdata(job["psf"]).astype(float)
        model = ImagePSF(psf / psf.sum())
    else:
        model = CircularGaussianPRF(fwhm=float(job["fwhm"]))
    if hasattr(model, "fwhm"):
        model.fwhm.fixed = True
    model.x_0.fixed = True
    model.y_0.fixed = True

    out = {}
    render = job.get("render")
    if render:
        m = CircularGaussianPRF(fwhm=render["fwhm"], x_0=render["x"], y_0=render["y"], flux=1.0)
        x0, y0, nx, ny = render["box"]
        yy, xx = np.mgrid[y0:y0 + ny, x0:x0 + nx]
        out["model"] = m(xx, yy).ravel().tolist()

    pos = np.array(job["positions"], dtype=float).reshape(-1, 2)
    init = Table()
    init["x"] = pos[:, 0]
    init["y"] = pos[:, 1]
    init["flux"] = np.full(len(pos), float(job.get("flux_init", 1.0)))
    phot = PSFPhotometry(model, tuple(job["fit_shape"]), aperture_radius=None)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = phot(data, error=error, init_params=init)
    t2 = time.perf_counter()
    out.update({
        "flux": nan_to_none(np.asarray(res["flux_fit"], dtype=float)),
        "flux_err": nan_to_none(np.asarray(res["flux_err"], dtype=float)),
        "flags": [int(f) for f in res["flags"]],
        "x": nan_to_none(np.asarray(res["x_fit"], dtype=float)),
        "seconds": t2 - t1,
        "seconds_total": t2 - t0,
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
