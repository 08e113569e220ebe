"""WCS oracle: astropy.wcs transforms for headers alertflow builds.

Usage: fits_wcs.py < JOB.json   (prints JSON)
JOB = {"cases": [{"header": {key: value}, "pixels": [[x, y], ...], "sky": [[lng, lat], ...]}]}
Pixels are 0-based (origin 0, like all_pix2world(x, y, 0) and world_to_pixel).
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS


def run(case):
    h = fits.Header()
    for k, v in case["header"].items():
        h[k] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = WCS(h)
    out = {"lonpole": float(w.wcs.lonpole)}
    if case.get("pixels"):
        px = np.array(case["pixels"], dtype=float)
        out["world"] = np.column_stack(w.all_pix2world(px[:, 0], px[:, 1], 0)).tolist()
    if case.get("sky"):
        sk = np.array(case["sky"], dtype=float)
        out["pix"] = np.column_stack(w.all_world2pix(sk[:, 0], sk[:, 1], 0)).tolist()
    return out


def main():
    job = json.load(sys.stdin)
    json.dump({"results": [run(c) for c in job["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
