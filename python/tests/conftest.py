"""Shared helpers: the repository, ../shared (corpus tests skip without it), the CLI binary
(tests comparing with it skip without it), and a fresh PostgreSQL schema per test when
VERBATIM_TEST_PG is set."""

import doctest
import json
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def shared():
    root = os.environ.get("VERBATIM_SHARED")
    path = pathlib.Path(root) if root else REPO.parent / "shared"
    return path if path.is_dir() else None


def need_shared(*parts):
    root = shared()
    if root is None or not root.joinpath(*parts).exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not here")
    return root.joinpath(*parts)


def cli_binary():
    given = os.environ.get("VERBATIM_BIN")
    if given:
        return given
    for profile in ("release", "debug"):
        path = REPO / "target" / profile / "verbatim"
        if path.is_file():
            return str(path)
    return shutil.which("verbatim")


@pytest.fixture
def cli():
    """Runs the verbatim CLI; returns its stdout (a failing command fails the test)."""
    binary = cli_binary()
    if binary is None:
        pytest.skip("no verbatim binary (cargo build --release, or set VERBATIM_BIN)")

    def run(*args, ok=(0,), input=None):
        out = subprocess.run([binary, *map(str, args)], cwd=REPO, capture_output=True,
                             text=True, input=input,
                             stdin=subprocess.DEVNULL if input is None else None)
        assert out.returncode in ok, f"verbatim {' '.join(map(str, args))}: {out.stderr}"
        return out.stdout

    return run


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_doctests(module):
    """The examples in a module's docstrings run and print what they show."""
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0, f"{module.__name__}: {result}"


def _psql():
    found = shutil.which("psql")
    if found:
        return found
    for root in sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True):
        return str(root)
    return None


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request, tmp_path):
    """A fresh, empty store: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    admin = os.environ.get("VERBATIM_TEST_PG")
    if not admin:
        pytest.skip("VERBATIM_TEST_PG is not set: PostgreSQL half skipped")
    psql = _psql()
    if psql is None:
        pytest.skip("no psql client to make a test schema")
    schema = f"py_{uuid.uuid4().hex[:12]}"
    subprocess.run([psql, admin, "-q", "-c", f"CREATE SCHEMA {schema}"], check=True,
                   capture_output=True)
    sep = "&" if "?" in admin else "?"
    try:
        yield f"{admin}{sep}options=-csearch_path%3D{schema}"
    finally:
        subprocess.run([psql, admin, "-q", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"],
                       capture_output=True)
