"""The store from Python and from the CLI: either writes, the other reads the same rows, on
SQLite and (with VERBATIM_TEST_PG) on PostgreSQL."""

import pytest

import verbatim
from conftest import REPO, json_lines

OUTLETS = REPO / "examples" / "articles" / "sessions-four-outlets.jsonl"
FOLDER = REPO / "examples" / "articles"


def cli_rows(cli, target):
    """What the CLI reads from the store: quotes, speakers, stats, an article, a cluster."""
    quotes = json_lines(cli("quotes", "--db", target, "--format", "json", "--limit", "1000"))
    speakers = json_lines(cli("speakers", "--db", target, "--format", "json", "--limit",
                              "1000"))
    stats = json_lines(cli("stats", "--db", target, "--json"))[0]
    article = json_lines(cli("show", "1", "--db", target, "--format", "json"))[0]
    cluster = json_lines(cli("cluster", "1", "--db", target, "--format", "json"))[0]
    return quotes, speakers, stats, article, cluster


def py_rows(store):
    return (store.quotes(limit=1000), store.speakers(limit=1000), store.stats(),
            store.article(1), store.cluster(1))


def test_python_writes_the_cli_reads(cli, store_target):
    with verbatim.Store(store_target) as store:
        report = store.ingest(verbatim.read(FOLDER), jobs=2, batch=3)
        assert report["stored"] >= 9 and report["failed"] == []
        assert report["attributions"] == store.stats()["attributions"]
        assert store.stats()["clusters"] >= 1
        mine = py_rows(store)
    assert cli_rows(cli, store_target) == mine


def test_the_cli_writes_python_reads(cli, store_target):
    cli("ingest", "--db", store_target, FOLDER)
    with verbatim.Store(store_target, create=False) as store:
        assert py_rows(store) == cli_rows(cli, store_target)
        assert store.backend == ("postgres" if store_target.startswith("postgres") else "sqlite")
        # Python adds to the CLI's store: the same articles again are duplicates.
        again = store.ingest(verbatim.read(FOLDER))
        assert again["stored"] == 0 and again["duplicates"] == store.stats()["articles"]


def test_queries(store_target):
    with verbatim.Store(store_target) as store:
        store.ingest(verbatim.read(OUTLETS))
        sessions = store.quotes(speaker="Sessions", limit=None)
        assert sessions and all(q["speaker"] == "Jeff Sessions" for q in sessions)
        for q in sessions:
            text = store.article(q["article"])["text"]
            assert " … ".join(text[s:e] for s, e in q["content"]) == q["content_text"]
        word = max(sessions[0]["content_text"].split(), key=len).strip('".,').lower()
        found = store.quotes(search=word, sort="relevance")
        assert found and all(word in q["content_text"].lower() for q in found)
        assert all(q["kind"] == "direct" for q in store.quotes(kind="direct"))
        # Paging: limit/offset and limit=None agree.
        every = store.quotes(limit=None)
        assert store.quotes(limit=2, offset=1) == every[1:3]
        assert len(every) == store.stats()["attributions"]
        (top,) = store.speakers(name="Sessions", limit=1)
        assert top["name"] == "Jeff Sessions" and top["n_quotes"] == len(sessions)
        assert store.speaker(top["id"])["roles"]
        assert store.speakers(type="person", limit=None)
        assert store.explain("Sessions")[0]["speaker"]["id"] == top["id"]
        (cluster,) = store.clusters(limit=1)
        full = store.cluster(cluster["id"])
        assert len(full["members"]) == cluster["size"]
        assert store.quotes(cluster=cluster["id"], limit=None)
        key = store.articles(limit=1)[0]["key"]
        assert store.article(key)["key"] == key
        assert store.article(10_000) is None and store.article("no-such-key") is None
        assert store.cluster(10_000) is None and store.speaker(10_000) is None


def test_min_confidence(store_target):
    with verbatim.Store(store_target) as store:
        store.ingest(verbatim.read(FOLDER))
        every = store.quotes(limit=None)
        levels = sorted({q["resolved"]["confidence"] for q in every if q["resolved"]})
        assert levels
        for level in levels:
            want = [q["id"] for q in every
                    if q["resolved"] and q["resolved"]["confidence"] >= level]
            got = store.quotes(min_confidence=level, limit=None)
            assert sorted(q["id"] for q in got) == sorted(want)
        for q in every:
            r = q["resolved"]
            if r is None:
                continue
            assert 0 <= r["confidence"] <= 1
            if r["via"] in ("name", "byline", "none"):
                assert r["antecedent"] is None
            else:
                s, e = r["antecedent"]
                assert 0 <= s < e <= len(store.article(q["article"])["text"])


def test_store_errors(tmp_path, store_target):
    with pytest.raises(FileNotFoundError, match="no store at"):
        verbatim.Store(tmp_path / "missing.db", create=False)
    store = verbatim.Store(store_target)
    with pytest.raises(verbatim.QueryError, match="kind"):
        store.quotes(kind="shouted")
    with pytest.raises(ValueError, match="since"):
        store.quotes(since="March 2017")
    with pytest.raises(ValueError, match="limit must be"):
        store.quotes(limit=0)
    with pytest.raises(ValueError, match="offset"):
        store.speakers(offset=-1)
    with pytest.raises(ValueError, match="sort"):
        store.quotes(sort="random")
    with pytest.raises(verbatim.QueryError, match="from 0 to 1"):
        store.quotes(min_confidence=1.2)
    with pytest.raises(TypeError):
        store.quotes(speakr="x")
    with pytest.raises(TypeError, match="an article id"):
        store.article(1.5)
    with pytest.raises(ValueError, match="batch"):
        store.ingest(["a"], batch=0)
    with pytest.warns(verbatim.InputWarning, match="item 1: empty"):
        report = store.ingest(['"Yes," Ann Lee said.', "  "])
    assert report["stored"] == 1 and report["failed"] == [("item 1", "empty, no article")]
    store.close()
    store.close()
    with pytest.raises(verbatim.StoreError, match="closed"):
        store.stats()


def test_a_broken_store_is_a_store_error(tmp_path):
    path = tmp_path / "not-a-store.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(verbatim.StoreError, match="opening the store"):
        verbatim.Store(path)
    with pytest.raises(verbatim.StoreError):
        verbatim.Store("postgres://nobody@127.0.0.1:1/none")


def test_quotes_frame_without_pandas(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # import pandas fails
    with pytest.raises(ImportError, match="pip install pandas"):
        verbatim.Store(tmp_path / "f.db").quotes_frame()


def test_quotes_frame(tmp_path):
    pytest.importorskip("pandas")
    store = verbatim.Store(tmp_path / "f.db")
    store.ingest(verbatim.read(OUTLETS))
    frame = store.quotes_frame(speaker="Sessions", limit=None)
    rows = store.quotes(speaker="Sessions", limit=None)
    assert list(frame["id"]) == [q["id"] for q in rows]
    assert list(frame["content_text"]) == [q["content_text"] for q in rows]
    assert set(frame["speaker"]) == {"Jeff Sessions"}
    empty = store.quotes_frame(speaker="Nobody Atall")
    assert len(empty) == 0 and "content_text" in empty.columns
