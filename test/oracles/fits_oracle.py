"""FITS/WCS oracle: astropy judges files alertflow wrote and writes files for alertflow to read.

Usage: fits_oracle.py JOB.json  (prints one JSON document on stdout)
JOB = {"check": [{"path", "pixels": [[x, y], ...] (1-based), "sky": [[ra, dec], ...]}],
       "writeDir": dir or null}
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS


def plain(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))  # exact, JSON numbers would lose 64-bit ints
    if isinstance(v, (float, np.floating)):
        return float(v)
    return str(v)


def check(item):
    out = {"path": item["path"]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any FITS or WCS warning fails the check
        with fits.open(item["path"]) as hdul:
            hdul.verify("exception")
            hdu = hdul[0]
            h = hdu.header
            out["bitpix"] = h["BITPIX"]
            out["shape"] = list(hdu.data.shape) if hdu.data is not None else []
            raw = hdu.data
            out["dtype"] = str(raw.dtype) if raw is not None else None
            out["data"] = [plain(x) for x in raw.ravel()] if raw is not None else []
            out["header"] = {k: plain(h[k]) for k in h.keys() if k not in ("COMMENT", "HISTORY", "")}
            out["comment"] = [str(c) for c in h.get("COMMENT", [])]
            out["history"] = [str(c) for c in h.get("HISTORY", [])]
            if "CTYPE1" in h:
                w = WCS(h)
                if item.get("pixels"):
                    out["world"] = w.all_pix2world(np.array(item["pixels"], dtype=float), 1).tolist()
                if item.get("sky"):
                    out["pix"] = w.all_world2pix(np.array(item["sky"], dtype=float), 1).tolist()
    return out


def write(d):
    """Images astropy writes, with the values alertflow must read back."""
    made = []
    y, x = np.mgrid[0:5, 0:7]
    base = (x * 3 - y * 11 + 0.25 * x * y).astype(np.float64)
    kinds = {
        "u8": base.clip(0, 255).astype(np.uint8),
        "i16": (base * 100).astype(np.int16),
        "i32": (base * 1e6).astype(np.int32),
        "i64": (base.astype(np.int64) * 10**15 + 3),
        "f32": (base / 7).astype(np.float32),
        "f64": base / 3 + 1e-300,
    }
    for name, arr in kinds.items():
        hdu = fits.PrimaryHDU(arr)
        hdu.header["OBJECT"] = "it's a test"
        hdu.header["EXPTIME"] = (30.0, "seconds")
        hdu.header["FLAG"] = True
        hdu.header["HISTORY"] = "written by astropy"
        path = f"{d}/{name}.fits"
        hdu.writeto(path, overwrite=True)
        made.append({"path": path, "kind": name, "shape": list(arr.shape), "data": [plain(v) for v in arr.ravel()]})
    # gzip-compressed file and a uint16 image (stored as int16 with BZERO = 32768)
    arr = (np.arange(12, dtype=np.float32) * 1.5).reshape(3, 4)
    fits.PrimaryHDU(arr).writeto(f"{d}/f32.fits.gz", overwrite=True)
    made.append({"path": f"{d}/f32.fits.gz", "kind": "f32gz", "shape": [3, 4], "data": [plain(v) for v in arr.ravel()]})
    u = np.array([[0, 1, 65535], [32768, 40000, 7]], dtype=np.uint16)
    fits.PrimaryHDU(u).writeto(f"{d}/u16.fits", overwrite=True)
    made.append({"path": f"{d}/u16.fits", "kind": "u16", "shape": [2, 3], "data": [plain(v) for v in u.ravel()]})
    return made


def main():
    job = json.load(open(sys.argv[1]))
    result = {"checks": [check(c) for c in job.get("check", [])]}
    if job.get("writeDir"):
        result["written"] = write(job["writeDir"])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
