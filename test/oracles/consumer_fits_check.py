"""Consumer cutout oracle: astropy opens each FITS file the seed-001 sink wrote.

Usage: consumer_fits_check.py < PATHS.json   (a JSON list of file paths)
Prints one JSON object: {path: {"shape": [ny, nx], "bitpix": n, "sum": s, "finite": k}}
where sum is over the finite physical pixel values (BSCALE/BZERO applied).
Any astropy warning while opening or verifying a file makes the script fail.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits


def describe(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fits.open(path) as hdul:
            hdul.verify("exception")
            # The image may sit in the primary HDU or in the first image extension.
            hdu = next(h for h in hdul if h.data is not None)
            data = np.asarray(hdu.data, dtype=np.float64)
            finite = np.isfinite(data)
            return {
                "shape": list(data.shape),
                "bitpix": int(hdu.header["BITPIX"]),
                "sum": float(data[finite].sum()),
                "finite": int(finite.sum()),
            }


def main():
    paths = json.load(sys.stdin)
    json.dump({p: describe(p) for p in paths}, sys.stdout)


if __name__ == "__main__":
    main()
