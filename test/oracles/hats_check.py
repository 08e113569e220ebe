"""Oracle for alertflow's HATS writer: judges our catalogs with hats, lsdb and cdshealpix.

Usage (prints one JSON object on the last stdout line):
  hats_check.py validate CATALOG
      strict hats.io.validation.is_valid_catalog + what hats.read_hats sees
  hats_check.py compare CATALOG INPUT.parquet ID_COLUMN RA DEC
      lsdb.open_catalog(...).compute() rows == INPUT rows (sorted by ID), and the
      stored _healpix_29 == cdshealpix lonlat_to_healpix at depth 29
  hats_check.py same-partitions CATALOG_A CATALOG_B ID_COLUMN
      same partition list, and per id the same _healpix_29 and the same pixel
  hats_check.py multi
      stdin: a JSON list of [command, args...]; prints a JSON list of results
      (one interpreter start for many checks: importing hats/lsdb is slow)
"""
import json
import sys
import warnings

import numpy as np
import pyarrow.parquet as pq


def out(obj):
    return obj


def validate(path):
    import hats
    from hats.io.validation import is_valid_catalog

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        valid = bool(is_valid_catalog(path, strict=True, verbose=True, fail_fast=False))
    cat = hats.read_hats(path)
    pixels = sorted((p.order, p.pixel) for p in cat.get_healpix_pixels())
    moc = cat.moc
    return out({
        "valid": valid,
        "warnings": [str(w.message) for w in caught],
        "nrows": int(cat.catalog_info.total_rows),
        "pixels": pixels,
        "has_moc": moc is not None,
        "schema": [f.name for f in cat.schema] if cat.schema is not None else None,
    })


def healpix29(ra, dec):
    import astropy.units as u
    import cdshealpix
    from astropy.coordinates import Latitude, Longitude

    return np.asarray(
        cdshealpix.nested.lonlat_to_healpix(Longitude(ra, unit="deg"), Latitude(dec, unit="deg"), 29), dtype=np.int64
    )


def compare(path, input_path, id_col, ra, dec):
    import lsdb

    got = lsdb.open_catalog(path).compute()
    got = got.reset_index()  # _healpix_29 is lsdb's index
    want = pq.read_table(input_path).to_pandas()
    if "_healpix_29" in want.columns:
        want = want.drop(columns=["_healpix_29"])
    got = got.sort_values(id_col).reset_index(drop=True)
    want = want.sort_values(id_col).reset_index(drop=True)
    problems = []
    if len(got) != len(want):
        problems.append(f"row count {len(got)} != {len(want)}")
    else:
        for col in want.columns:
            if col not in got.columns:
                problems.append(f"missing column {col}")
                continue
            a = got[col].to_numpy()
            b = want[col].to_numpy()
            if a.dtype.kind == "f" or b.dtype.kind == "f":
                same = np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)
            else:
                same = bool((got[col].astype(str) == want[col].astype(str)).all())
            if not same:
                problems.append(f"column {col} differs")
        dup = int(got[id_col].duplicated().sum())
        if dup:
            problems.append(f"{dup} duplicated ids")
    expected = healpix29(want[ra].to_numpy(dtype=float), want[dec].to_numpy(dtype=float))
    stored = got["_healpix_29"].to_numpy(dtype=np.int64) if len(got) == len(want) else np.array([], dtype=np.int64)
    healpix_mismatches = int((stored != expected).sum()) if len(stored) == len(expected) else -1
    return out({"rows": len(got), "expected_rows": len(want), "problems": problems, "healpix_mismatches": healpix_mismatches})


def leaf_table(path):
    import hats

    cat = hats.read_hats(path)
    frames = []
    for p in cat.get_healpix_pixels():
        leaf = hats.io.paths.pixel_catalog_file(cat.catalog_base_dir, p, npix_suffix=cat.catalog_info.npix_suffix)
        t = pq.read_table(str(leaf)).to_pandas()
        t["Norder_"] = p.order
        t["Npix_"] = p.pixel
        frames.append(t)
    import pandas as pd

    return cat, pd.concat(frames, ignore_index=True)


def same_partitions(a, b, id_col):
    cat_a, ta = leaf_table(a)
    cat_b, tb = leaf_table(b)
    pa = sorted((p.order, p.pixel) for p in cat_a.get_healpix_pixels())
    pb = sorted((p.order, p.pixel) for p in cat_b.get_healpix_pixels())
    ta = ta.sort_values(id_col).reset_index(drop=True)
    tb = tb.sort_values(id_col).reset_index(drop=True)
    same_ids = len(ta) == len(tb) and bool((ta[id_col].to_numpy() == tb[id_col].to_numpy()).all())
    h_mismatch = int((ta["_healpix_29"].to_numpy() != tb["_healpix_29"].to_numpy()).sum()) if same_ids else -1
    p_mismatch = (
        int(((ta["Norder_"].to_numpy() != tb["Norder_"].to_numpy()) | (ta["Npix_"].to_numpy() != tb["Npix_"].to_numpy())).sum())
        if same_ids
        else -1
    )
    return out({
        "pixels_a": pa,
        "pixels_b": pb,
        "same_pixels": pa == pb,
        "rows_a": len(ta),
        "rows_b": len(tb),
        "same_ids": same_ids,
        "healpix_mismatches": h_mismatch,
        "pixel_mismatches": p_mismatch,
    })


COMMANDS = {"validate": validate, "compare": compare, "same-partitions": same_partitions}


def run(cmd, args):
    if cmd not in COMMANDS:
        raise SystemExit(f"unknown command {cmd}")
    try:
        return COMMANDS[cmd](*args)
    except Exception as e:  # a failure is a result to report, not a crash of the batch
        return {"error": f"{type(e).__name__}: {e}"}


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "multi":
        result = [run(c[0], c[1:]) for c in json.load(sys.stdin)]
    else:
        result = run(cmd, args)
    print(json.dumps(result, default=str))
