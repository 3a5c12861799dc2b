"""The Spark job end to end in local mode: a WARC the test builds (and a JSONL shard) in,
records out that equal `verbatim extract`'s, the same for local[1] and local[2], and that
`verbatim ingest` loads into the store a raw ingest makes. Skips, saying why, without
pyspark or Java."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
if shutil.which("java") is None:
    pytest.skip("no java on PATH (Spark needs a JRE)", allow_module_level=True)

import extract_job  # noqa: E402

VERBATIM = os.environ.get("VERBATIM_BIN", str(ROOT / "target" / "release" / "verbatim"))


def warc_record(kind: str, uri: str, payload: bytes, n: int) -> bytes:
    head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2017-03-03T12:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode()
    return gzip.compress(head + payload + b"\r\n\r\n")


def html_page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    body = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")
    data = body.encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(data)}\r\n\r\n".encode() + data)


def build_shards(tmp: Path) -> list:
    texts = sorted((ROOT / "examples" / "articles").glob("*.txt"))
    shards = []
    for i, chunk in enumerate([texts[:2], texts[2:]]):
        path = tmp / f"crawl-{i}.warc.gz"
        with open(path, "wb") as f:
            for n, t in enumerate(chunk):
                body = t.read_text(encoding="utf-8").replace("&", "&amp;").replace("<", "&lt;")
                uri = f"https://news.example/{t.stem}"
                f.write(warc_record("response", uri, html_page(t.stem, body), len(shards) * 10 + n))
        shards.append(path)
    jsonl = tmp / "outlets.jsonl.gz"
    jsonl.write_bytes(gzip.compress(
        (ROOT / "examples" / "disputed" / "shutdown-three-outlets.jsonl").read_bytes()))
    shards.append(jsonl)
    return [str(p) for p in shards]


def records_of(out: Path) -> list:
    lines = []
    for part in sorted(out.glob("part-*.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            lines.extend(json.loads(line) for line in f if line.strip())
    return lines


def run_job(master: str, shards: list, out: Path) -> None:
    from pyspark.sql import SparkSession
    # The Python workers must be this interpreter, where verbatim is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master(master).appName("verbatim-test")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        extract_job.run(spark, shards, str(out), threads=1)
    finally:
        spark.stop()


def verbatim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([VERBATIM, *args], capture_output=True, text=True, check=True)


def stats(db: Path) -> dict:
    return json.loads(verbatim("stats", "--db", str(db), "--json").stdout)


def test_the_job_writes_extract_records_that_ingest_loads(tmp_path):
    shards = build_shards(tmp_path)
    expected = [json.loads(line) for line in verbatim("extract", *shards).stdout.splitlines()]
    assert len(expected) >= 6
    by_master = {}
    for master in ["local[1]", "local[2]"]:
        out = tmp_path / f"out-{master[6]}"
        run_job(master, shards, out)
        by_master[master] = records_of(out)
    key = lambda r: (r["id"], r["text"])  # noqa: E731
    for master, records in by_master.items():
        # The same records as the CLI's, producer included; partitions may reorder shards.
        assert sorted(records, key=key) == sorted(expected, key=key), master
        assert all(r["producer"] == expected[0]["producer"] for r in records)
    raw = tmp_path / "raw.db"
    verbatim("ingest", "--db", str(raw), *shards)
    loaded = tmp_path / "loaded.db"
    parts = sorted(str(p) for p in (tmp_path / "out-1").glob("part-*.gz"))
    done = verbatim("ingest", "--db", str(loaded), *parts)
    assert "stored" in done.stderr
    assert stats(loaded) == stats(raw)
    assert stats(loaded)["attributions"] > 20
