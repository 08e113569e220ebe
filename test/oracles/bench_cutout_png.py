"""Peer of the pool bench's cutout chain: what a Python broker does per alert.

Usage: bench_cutout_png.py IMAGE.fits POSITIONS.json SIZE_PIX   (prints JSON)
POSITIONS = [[ra, dec], ...]. For each position: astropy Cutout2D (partial,
NaN fill), the stamp as gzip-compressed FITS with its WCS header, and a
zscale PNG (8-bit grey, north up, NaN black) through Pillow. One process,
as a plain consumer runs; the loop is timed inside the script.
"""
import gzip
import io
import json
import sys
import time
import warnings

import numpy as np
import astropy
import astropy.units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import Cutout2D, NoOverlapError
from astropy.visualization import ZScaleInterval
from astropy.wcs import WCS
import PIL
from PIL import Image


def stamp_png(data, zscale):
    finite = np.isfinite(data)
    z1, z2 = zscale.get_limits(data[finite]) if finite.any() else (0.0, 0.0)
    scaled = np.zeros(data.shape) if z2 <= z1 else np.clip((data - z1) / (z2 - z1), 0, 1)
    grey = np.where(finite, np.round(scaled * 255), 0).astype(np.uint8)
    out = io.BytesIO()
    # Row 0 of the array is south; a PNG's first row is the top.
    Image.fromarray(grey[::-1], mode="L").save(out, format="PNG", compress_level=6)
    return out.getvalue()


def stamp_fits(cut):
    raw = io.BytesIO()
    fits.PrimaryHDU(cut.data.astype(np.float32), header=cut.wcs.to_header()).writeto(raw)
    return gzip.compress(raw.getvalue(), compresslevel=6)


def main():
    image, positions_file, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(positions_file) as f:
        positions = json.load(f)
    with fits.open(image) as hdul:
        data = hdul[0].data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wcs = WCS(hdul[0].header)
    zscale = ZScaleInterval()
    coords = SkyCoord([p[0] for p in positions] * u.deg, [p[1] for p in positions] * u.deg, frame="icrs")
    made = fits_bytes = png_bytes = 0
    t0 = time.perf_counter()
    for pos in coords:
        try:
            cut = Cutout2D(data, pos, size, wcs=wcs, mode="partial", fill_value=np.nan)
        except NoOverlapError:
            continue
        fits_bytes += len(stamp_fits(cut))
        png_bytes += len(stamp_png(cut.data, zscale))
        made += 1
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "stamps": made,
        "seconds": seconds,
        "fitsBytes": fits_bytes,
        "pngBytes": png_bytes,
        "astropy": astropy.__version__,
        "pillow": PIL.__version__,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
