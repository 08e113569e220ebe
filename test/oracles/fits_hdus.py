"""Multi-HDU FITS oracle: astropy reads files alertflow wrote, and writes files for alertflow to read.

Usage:
  fits_hdus.py read FILE...   -> JSON list, one entry per file: every HDU's cards, values and data
  fits_hdus.py write DIR      -> JSON list of files written with what alertflow must read from them
Integers are given as strings (exact for 64-bit), NaN as null.
"""
import json
import math
import sys
import warnings

import numpy as np
from astropy.io import fits


def plain(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return str(v)


def describe_hdu(hdu, raw_header=None):
    # Scaled HDUs hide BSCALE/BZERO once their data are read; raw_header is the untouched header.
    h = raw_header if raw_header is not None else hdu.header
    data = hdu.data
    return {
        "keys": [c.keyword for c in h.cards],
        "values": {k: plain(h[k]) for k in h.keys() if k not in ("COMMENT", "HISTORY", "")},
        "comments": {k: h.comments[k] for k in h.keys() if k not in ("COMMENT", "HISTORY", "")},
        "comment": [str(c) for c in h.get("COMMENT", [])],
        "history": [str(c) for c in h.get("HISTORY", [])],
        "dtype": None if data is None else str(data.dtype),
        "shape": [] if data is None else list(data.shape),
        "data": [] if data is None else [plain(x) for x in np.asarray(data).ravel()],
    }


def describe_file(p):
    with fits.open(p, do_not_scale_image_data=True) as raw:
        headers = [h.header.copy() for h in raw]
    with fits.open(p) as hdul:
        hdul.verify("exception")
        return [describe_hdu(h, headers[i]) if not isinstance(h, fits.BinTableHDU) else {"keys": [c.keyword for c in h.header.cards]} for i, h in enumerate(hdul)]


def read(paths):
    out = []
    for p in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any FITS warning fails the check
            out.append({"path": p, "hdus": describe_file(p)})
    return out


def write(d):
    made = []
    y, x = np.mgrid[0:5, 0:7]
    base = (x * 3 - y * 11 + 0.25 * x * y).astype(np.float64)
    long_text = "A long string value that needs the CONTINUE convention: " + "0123456789" * 12 + " it's done"
    # 1. MEF: empty primary, an extension for every BITPIX, names, long strings.
    prim = fits.PrimaryHDU()
    prim.header["OBJECT"] = ("field 7", "target")
    prim.header["LONGSTR"] = (long_text, "long value")
    prim.header["HISTORY"] = "written by astropy"
    hdus = [prim]
    kinds = {
        "U8": base.clip(0, 255).astype(np.uint8),
        "I16": (base * 100).astype(np.int16),
        "I32": (base * 1e6).astype(np.int32),
        "I64": base.astype(np.int64) * 10**15 + 3,
        "F32": (base / 7).astype(np.float32),
        "F64": base / 3 + 1e-300,
    }
    for name, arr in kinds.items():
        hdus.append(fits.ImageHDU(arr, name=name))
    fits.HDUList(hdus).writeto(f"{d}/mef.fits", overwrite=True)
    made.append({"path": f"{d}/mef.fits", "hdus": describe_file(f"{d}/mef.fits")})
    # 2. Scaled integers: uint16 / uint32 (BZERO offsets), BSCALE+BZERO floats, BLANK, NaN floats; gzip.
    u16 = np.array([[0, 1, 65535], [32768, 40000, 7]], dtype=np.uint16)
    u32 = np.array([[0, 1, 4294967295], [2147483648, 7, 9]], dtype=np.uint32)
    scaled = fits.ImageHDU((base[:2, :3] * 100).astype(np.int16), name="SCALED")
    scaled.header["BSCALE"] = 0.01
    scaled.header["BZERO"] = 10.0
    blank = fits.ImageHDU(np.array([[1, -99, 3], [4, 5, -99]], dtype=np.int32), name="BLANKED")
    blank.header["BLANK"] = -99
    fl = np.array([[1.5, np.nan, 3.0], [np.nan, 5.0, -0.0]], dtype=np.float32)
    lst = fits.HDUList([fits.PrimaryHDU(u16), fits.ImageHDU(u32, name="U32"), scaled, blank, fits.ImageHDU(fl, name="NAN")])
    lst.writeto(f"{d}/scaled.fits.gz", overwrite=True)
    made.append({"path": f"{d}/scaled.fits.gz", "hdus": describe_file(f"{d}/scaled.fits.gz")})
    # 3. A table extension between images: HDU indices must stay true.
    tab = fits.BinTableHDU.from_columns([fits.Column(name="a", format="J", array=np.arange(3)), fits.Column(name="s", format="5A", array=["x", "yy", "zzz"])], name="TAB")
    after = fits.ImageHDU(np.arange(6, dtype=np.float64).reshape(2, 3), name="AFTER")
    fits.HDUList([fits.PrimaryHDU(np.ones((2, 2), dtype=np.int16)), tab, after]).writeto(f"{d}/table.fits", overwrite=True)
    made.append({"path": f"{d}/table.fits", "hdus": describe_file(f"{d}/table.fits")})
    return made


def main():
    if sys.argv[1] == "read":
        json.dump(read(sys.argv[2:]), sys.stdout)
    else:
        json.dump(write(sys.argv[2]), sys.stdout)


if __name__ == "__main__":
    main()
