"""Extraction as a Spark job: shards in, gzip JSONL extract records out.

Each task reads whole shards (JSONL, plain text, HTML, WARC; gzip or zstd) with the verbatim
Python package and analyses them with ``Pipeline.extract_many`` inside ``mapPartitions``: the
models load once per task, and ``--threads`` analysis threads run with the GIL released.
The output directory holds ``part-NNNNN.gz`` files of records exactly as ``verbatim extract``
writes them (each with its ``producer``); load them into a shared store with::

    verbatim ingest --db postgres://... OUT/part-*.gz

which stores the records without analysing again, linking speakers and clustering quotes as
it writes. Shards are read by path, so every executor must see them (a local run, or a
shared file system mounted on each node); one shard is one unit of work.

Run (``PYSPARK_PYTHON``: an interpreter with ``verbatim`` installed, on every node)::

    PYSPARK_PYTHON=venv/bin/python spark-submit --master local[2] \
        examples/spark/extract_job.py --out records/ crawl/*.warc.gz
"""

import argparse
import glob
import json
import os
import sys
from typing import Iterable, Iterator, List


def extract_shards(paths: Iterable[str], threads: int) -> Iterator[str]:
    """The records of every article in `paths`, one JSON line each, in input order."""
    import verbatim  # imported on the executor, where the work runs

    pipeline = verbatim.Pipeline()
    for path in paths:
        # read() warns (InputWarning) on a bad item and goes on, as the CLI does.
        articles = verbatim.read(path)
        for record in pipeline.extract_many(articles, jobs=threads):
            yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def shard_paths(inputs: List[str]) -> List[str]:
    """Files named or matched by `inputs` (globs, directories walked), sorted, unique."""
    found = set()
    for pattern in inputs:
        matches = glob.glob(pattern) or [pattern]
        for m in matches:
            if os.path.isdir(m):
                for root, dirs, files in os.walk(m):
                    dirs[:] = [d for d in dirs if not d.startswith(".")]
                    found.update(os.path.join(root, f) for f in files if not f.startswith("."))
            elif os.path.isfile(m):
                found.add(os.path.abspath(m))
            else:
                raise FileNotFoundError(f"{m}: no such file or directory")
    return sorted(os.path.abspath(p) for p in found)


def run(spark, inputs: List[str], out: str, threads: int, partitions: int = 0) -> int:
    """Writes the records of `inputs` under `out`; returns the number of shards."""
    paths = shard_paths(inputs)
    if not paths:
        raise ValueError("no input shards")
    sc = spark.sparkContext
    # The tasks call this module's functions: ship it to the executors.
    sc.addPyFile(os.path.abspath(__file__))
    n = partitions or min(len(paths), sc.defaultParallelism * 2)
    (sc.parallelize(paths, n)
       .mapPartitions(lambda part: extract_shards(part, threads))
       .saveAsTextFile(out, compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec"))
    return len(paths)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Extract who-said-what records from news shards with Spark "
                    "(gzip JSONL out, loadable by `verbatim ingest`).")
    parser.add_argument("inputs", nargs="+",
                        help="shard files, directories or globs (JSONL, WARC, HTML, text; "
                             ".gz/.zst too)")
    parser.add_argument("--out", required=True,
                        help="output directory (must not exist): part-NNNNN.gz files")
    parser.add_argument("--threads", type=int, default=1,
                        help="analysis threads per task (default 1: one task per core)")
    parser.add_argument("--partitions", type=int, default=0,
                        help="tasks (default: shards, at most twice the parallelism)")
    parser.add_argument("--master", default=None,
                        help="Spark master when not run by spark-submit, e.g. local[2]")
    args = parser.parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("verbatim-extract")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        n = run(spark, args.inputs, args.out, args.threads, args.partitions)
    finally:
        spark.stop()
    print(f"extract_job: {n} shard(s) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
