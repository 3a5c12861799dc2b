"""verbatim.read: every input the CLI reads, as Article objects."""

import gzip
import json

import pytest

import verbatim
from conftest import REPO


def test_a_folder_in_path_order():
    folder = REPO / "examples" / "articles"
    articles = list(verbatim.read(folder))
    assert len(articles) >= 5
    origins = [a.origin for a in articles]
    assert origins[0].endswith("ani-2017-03-03-sessions.txt")
    first = articles[0]
    assert first.id == "ani-2017-03-03-sessions"
    assert first.text == (folder / "ani-2017-03-03-sessions.txt").read_text(encoding="utf-8")
    assert len(first) == len(first.text)
    assert first.headline and first.dateline["agency"] == "ANI"
    d = first.to_dict()
    assert d["id"] == first.id and d["text"] == first.text and d["origin"] == first.origin
    assert "Article(id=" in repr(first)


def test_jsonl_gz_with_a_bad_line(tmp_path):
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "a", "text": "A said b.", "outlet": "Wire"}) + "\n")
        f.write("{not json\n")
        f.write(json.dumps({"id": "c", "text": "C said d.", "published": "2017-03-02"}) + "\n")
    with pytest.warns(verbatim.InputWarning, match=r"in\.jsonl\.gz:2: invalid JSON"):
        got = list(verbatim.read(path))
    assert [(a.id, a.outlet, a.published) for a in got] == [("a", "Wire", None),
                                                           ("c", None, "2017-03-02")]
    assert got[1].origin.endswith(":3")
    with pytest.raises(verbatim.InputError, match="invalid JSON"):
        list(verbatim.read([path], errors="raise"))


def test_missing_paths_and_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError):
        verbatim.read(tmp_path / "nope.txt")
    with pytest.raises(ValueError, match="errors must be"):
        verbatim.read(tmp_path, errors="ignore")


def test_an_html_page(tmp_path):
    page = tmp_path / "story.html"
    body = " ".join(["The council met on Monday to discuss the budget for the coming year."] * 8)
    page.write_text(
        "<!doctype html><html><head><title>Budget row | The Gazette</title>"
        '<meta property="og:site_name" content="The Gazette"></head><body><article>'
        f'<h1>Budget row</h1><p>{body}</p><p>"We cannot pay for this," Mayor Ann Lee said.</p>'
        "</article></body></html>", encoding="utf-8")
    (article,) = verbatim.read(page)
    assert article.outlet == "The Gazette"
    assert "Mayor Ann Lee said" in article.text
    rec = verbatim.extract(article)
    assert any(a["speaker"] and a["speaker"]["name"] == "Ann Lee" for a in rec["attributions"])
