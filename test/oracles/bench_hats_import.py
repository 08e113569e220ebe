"""Python peer of the HATS export bench: hats-import, the reference bulk importer.

Usage: bench_hats_import.py OUT_DIR RA DEC PARTITION_ROWS HIGHEST_ORDER INPUT.parquet [INPUT2.parquet ...]
Prints one JSON object: seconds (total), read_seconds (0: hats-import reads as it goes), rows, partitions.
Uses two dask workers with one thread each (the machine's cores); no extras
(skymap PNGs, summaries) beyond what our writer produces.
"""
import json
import os
import sys
import tempfile
import time
import warnings


def main():
    out, ra, dec, rows, order, *inputs = sys.argv[1:]
    from dask.distributed import Client
    from hats_import.catalog.arguments import ImportArguments
    from hats_import.pipeline import pipeline_with_client

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        args = ImportArguments(
            output_path=os.path.dirname(out) or ".",
            output_artifact_name=os.path.basename(out),
            input_file_list=list(inputs),
            file_reader="parquet",
            ra_column=ra,
            dec_column=dec,
            pixel_threshold=int(rows),
            highest_healpix_order=int(order),
            tmp_dir=tmp,
            progress_bar=False,
            create_thumbnail=False,
        )
        with Client(n_workers=2, threads_per_worker=1, local_directory=tmp, dashboard_address=None) as client:
            pipeline_with_client(args, client)
    t1 = time.perf_counter()
    import hats

    cat = hats.read_hats(out)
    print(json.dumps({"seconds": t1 - t0, "read_seconds": 0.0, "rows": int(cat.catalog_info.total_rows), "partitions": len(cat.get_healpix_pixels())}))


if __name__ == "__main__":
    main()
