"""Bench peer: the seed-001 consumer written the way seed 001 describes it, in Python.

Usage: bench_seed001_consumer.py BROKERS TOPIC GROUP EXPECTED SCHEMA_DIR OUT_DIR
  confluent-kafka consumer in a fresh group (earliest, manual commits),
  fastavro.schemaless_reader on each Confluent wire-format value, the
  extendedness filter with seed 001's default thresholds and
  REQUIRE_SSSOURCE = False, then one CSV row per passing alert in
  OUT_DIR/data/lsst_alerts_YYYYMMDD.csv (day of the observation, as the
  TypeScript run uses --date-from observation) and its three cutouts as
  OUT_DIR/cutouts/<diaSourceId>_<kind>_<stamp>.fits. Offsets are committed
  after each batch's files are written, as at-least-once requires.
Prints one JSON object: count, kept, seconds, streamSeconds, maxRssKb (VmHWM), versions.
"""
import csv
import datetime
import gzip
import io
import json
import math
import os
import resource
import sys
import time

import confluent_kafka
import fastavro
from confluent_kafka import Consumer, KafkaError

from bench_fastavro_decode import load_schema

BATCH = 500
TIMEOUT_S = 600
MEDIAN_MIN, MEDIAN_MAX, MIN_THRESHOLD, MAX_THRESHOLD = 0.0, 1.0, 0.0, 1.0
COLUMNS = ["alertId", "diaSourceId", "diaObjectId", "ra", "dec", "mjd", "filterName", "psFlux", "psFluxErr",
           "extendednessMedian", "extendednessMin", "extendednessMax",
           "science_cutout_path", "template_cutout_path", "difference_cutout_path", "timestamp"]
KINDS = [("science", "cutoutScience"), ("template", "cutoutTemplate"), ("difference", "cutoutDifference")]
MJD_UNIX_EPOCH = 40587.0
TAI_MINUS_UTC_S = 37.0


def usable(v):
    return v is not None and not math.isnan(v)


def extendedness_stats(alert):
    ds = alert["diaSource"]
    values = [ds["extendedness"]] if usable(ds.get("extendedness")) else []
    own = ds.get("diaSourceId")
    for p in alert.get("prvDiaSources") or []:
        if p.get("diaSourceId") == own:
            continue
        if usable(p.get("extendedness")):
            values.append(p["extendedness"])
    if not values:
        return None
    values.sort()
    n, mid = len(values), len(values) // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return median, values[0], values[-1]


def has_sssource(alert):
    ss_id = alert["diaSource"].get("ssObjectId")
    if ss_id not in (None, 0):
        return True
    return any(alert.get(f) is not None for f in ("ssSource", "ssObject", "mpc_orbits", "MPCORB"))


def passes(alert):
    if has_sssource(alert):
        return None
    stats = extendedness_stats(alert)
    if stats is None:
        return None
    median, lo, hi = stats
    if MEDIAN_MIN <= median <= MEDIAN_MAX and lo >= MIN_THRESHOLD and hi <= MAX_THRESHOLD:
        return stats
    return None


class Writer:
    def __init__(self, out):
        self.data = os.path.join(out, "data")
        self.cutouts = os.path.join(out, "cutouts")
        os.makedirs(self.data, exist_ok=True)
        os.makedirs(self.cutouts, exist_ok=True)
        self.files = {}

    def csv_for(self, day):
        if day not in self.files:
            path = os.path.join(self.data, f"lsst_alerts_{day}.csv")
            new = not os.path.exists(path)
            fh = open(path, "a", newline="")
            w = csv.writer(fh)
            if new:
                w.writerow(COLUMNS)
            self.files[day] = (fh, w)
        return self.files[day][1]

    def write(self, alert, stats):
        ds = alert["diaSource"]
        observed = datetime.datetime.fromtimestamp((ds["midpointMjdTai"] - MJD_UNIX_EPOCH) * 86400 - TAI_MINUS_UTC_S, datetime.timezone.utc)
        day, stamp = observed.strftime("%Y%m%d"), observed.strftime("%Y%m%d_%H%M%S")
        sid = alert["diaSourceId"]
        paths = []
        for kind, field in KINDS:
            raw = alert.get(field)
            if not raw:
                paths.append("")
                continue
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            name = f"{sid}_{kind}_{stamp}.fits"
            with open(os.path.join(self.cutouts, name), "wb") as fh:
                fh.write(raw)
            paths.append(f"cutouts/{name}")
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.csv_for(day).writerow([sid, sid, ds.get("diaObjectId"), ds["ra"], ds["dec"], ds["midpointMjdTai"], ds["band"],
                                    ds["psfFlux"], ds["psfFluxErr"], stats[0], stats[1], stats[2], *paths, now])

    def flush(self):
        for fh, _ in self.files.values():
            fh.flush()

    def close(self):
        for fh, _ in self.files.values():
            fh.close()


def peak_rss_kb():
    """VmHWM: getrusage's maxrss would include the spawning process's peak (kept across exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    brokers, topic, group, expected, schema_dir, out = sys.argv[1:7]
    expected = int(expected)
    schema = load_schema(schema_dir)
    reader = fastavro.schemaless_reader
    writer = Writer(out)
    t0 = time.perf_counter()
    consumer = Consumer({
        "bootstrap.servers": brokers,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    assigned, at_end = set(), set()
    consumer.subscribe([topic], on_assign=lambda c, parts: assigned.update(p.partition for p in parts))
    count = kept = 0
    first = None
    try:
        while time.perf_counter() - t0 < TIMEOUT_S:
            msgs = consumer.consume(BATCH, timeout=0.2)
            got = False
            for m in msgs:
                err = m.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add(m.partition())
                        continue
                    raise SystemExit(f"consume failed: {err}")
                at_end.discard(m.partition())
                got = True
                if first is None:
                    first = time.perf_counter()
                count += 1
                alert = reader(io.BytesIO(memoryview(m.value())[5:]), schema)
                stats = passes(alert)
                if stats is not None:
                    writer.write(alert, stats)
                    kept += 1
            if got:
                writer.flush()
                consumer.commit(asynchronous=False)
            if count >= expected and assigned and at_end >= assigned:
                break
        end = time.perf_counter()
    finally:
        consumer.close()
        writer.close()
    print(json.dumps({
        "count": count,
        "kept": kept,
        "seconds": end - t0,
        "streamSeconds": end - (first if first is not None else t0),
        "maxRssKb": peak_rss_kb(),
        "confluentKafka": confluent_kafka.version()[0],
        "librdkafka": confluent_kafka.libversion()[0],
        "fastavro": fastavro.__version__,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
