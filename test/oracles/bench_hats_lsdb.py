"""Python peer of the HATS export bench: lsdb.from_dataframe(...).to_hats(...).

hats-import is the reference bulk importer but is not in the oracle venv; lsdb's
writer goes through the same hats partitioning code. Margins are off (our
writer does not build them), so both sides write the same kind of catalog.

Usage: bench_hats_lsdb.py OUT_DIR RA DEC PARTITION_ROWS HIGHEST_ORDER INPUT.parquet [INPUT2.parquet ...]
Prints one JSON object: seconds (total), read_seconds, rows, partitions.
"""
import json
import sys
import time
import warnings


def main():
    out, ra, dec, rows, order, *inputs = sys.argv[1:]
    import lsdb
    import pandas as pd
    import pyarrow.parquet as pq

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    df = pd.concat([pq.read_table(p).to_pandas() for p in inputs], ignore_index=True)
    t1 = time.perf_counter()
    cat = lsdb.from_dataframe(
        df,
        ra_column=ra,
        dec_column=dec,
        highest_order=int(order),
        partition_rows=int(rows),
        margin_threshold=None,
    )
    cat.to_hats(out, as_collection=False, progress_bar=False)
    t2 = time.perf_counter()
    print(json.dumps({"seconds": t2 - t0, "read_seconds": t1 - t0, "rows": len(df), "partitions": len(cat.get_healpix_pixels())}))


if __name__ == "__main__":
    main()
