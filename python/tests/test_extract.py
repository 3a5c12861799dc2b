"""One article: the record, offsets that slice in Python, the seed's pairs, errors."""

import datetime
import warnings

import pytest

import verbatim
from conftest import REPO, check_doctests, json_lines, need_shared

SEED = "seed/000_590c328a3d7eed25.txt"

# (speaker name or anonymous source phrase, speaker type, text the content contains):
# the pairs tests/seed.rs checks for the CLI.
SEED_PAIRS = [
    ("Donald Trump", "person", "I don't think so"),
    ("Donald Trump", "person", "confidence in Attorney General Jeff Sessions"),
    ("Paul Ryan", "person", "Sessions should recuse himself only if"),
    ("Paul Ryan", "person", "If he, himself, is the subject of an investigation"),
    ("Paul Ryan", "person", "But if he's not, I don't see any purpose"),
    ("Jeff Sessions", "person", "I never met with any Russian officials"),
    ("Jeff Sessions", "person", "he knew of no contacts between Trump surrogates and Russians"),
    ("Sarah Isgur Flores", "person", "Last year, the senator had over 25 conversations"),
    ("Sarah Isgur Flores", "person", "misleading about his answer"),
    ("Sean Spicer", "person", "Sessions had nothing to apologize for"),
    ("A White House official", "anonymous",
     "This is the latest attack against the Trump Administration"),
    ("A Justice official", "anonymous", "Sessions didn't mislead senators"),
    ("CNN", "organization", "Sessions spoke twice with the Russian ambassador"),
]


def spans(text, pieces):
    return " ".join(text[s:e] for s, e in pieces)


def test_record_fields_and_a_quote():
    rec = verbatim.extract('"We will win," Jeff Smith said on Tuesday.')
    assert list(rec) == ["id", "headline", "published", "updated", "dateline", "byline",
                         "outlet", "url", "text", "entities", "attributions", "producer"]
    (a,) = rec["attributions"]
    assert a["kind"] == "direct"
    assert a["cue_class"] == "speech"
    assert a["speaker"]["name"] == "Jeff Smith"
    assert spans(rec["text"], a["content"]) == '"We will win,"'
    assert spans(rec["text"], a["cue"]) == "said"
    assert spans(rec["text"], a["source"]) == "Jeff Smith"


def test_offsets_are_code_points():
    # Characters outside the BMP and accents before the quote: byte offsets would be off.
    text = "🎉 Über-Café — «Wir schaffen das», sagte Angela Merkel. \"Ça ira,\" Jean Dupont said."
    rec = verbatim.extract(text)
    assert rec["text"] == text
    assert rec["attributions"], rec
    for a in rec["attributions"]:
        for role in ("source", "cue", "content"):
            for s, e in a[role]:
                assert 0 <= s < e <= len(text)
    contents = [spans(text, a["content"]) for a in rec["attributions"]]
    assert '"Ça ira,"' in contents
    for ent in rec["entities"]:
        for s, e in ent["mentions"]:
            assert text[s:e].strip() == text[s:e] and text[s:e]


def test_metadata_keywords():
    rec = verbatim.extract('"Fine," Ann Lee said.', id="a-1", title=" The title ",
                           published=datetime.date(2017, 3, 3), outlet="Reuters",
                           url="https://example.org/a", byline="By Bo Chen")
    assert rec["id"] == "a-1"
    assert rec["headline"] == "The title"
    assert rec["published"] == "2017-03-03"
    assert rec["outlet"] == "Reuters"
    assert rec["url"] == "https://example.org/a"
    assert rec["byline"]
    rec = verbatim.extract({"text": "x said y.", "id": 7, "published": 1488499200})
    assert rec["id"] == "7" and rec["published"].startswith("2017-03-03")


def test_same_record_as_the_cli(cli):
    path = need_shared(SEED)
    (expected,) = json_lines(cli("extract", path))
    (article,) = verbatim.read(path)
    assert verbatim.extract(article) == expected
    # A text without a file name gets the hash id, as on stdin; the rest is the same.
    text = path.read_text()
    from_text = verbatim.extract(text)
    assert from_text == {**expected, "id": from_text["id"]}
    (from_stdin,) = json_lines(cli("extract", "-", input=text))
    assert from_text == from_stdin


def test_seed_who_said_what():
    rec = verbatim.extract(next(verbatim.read(need_shared(SEED))))
    text, atts = rec["text"], rec["attributions"]
    assert rec["headline"] == ("Trump stands by Sessions as Democrats seek resignation over "
                               "Russia revelation")
    assert rec["dateline"] == {"place": "New York [USA]", "date": "2017-03-03", "agency": "ANI"}
    missing = []
    for who, kind, said in SEED_PAIRS:
        def matches(a):
            speaker = a["speaker"] or {}
            named = (who in spans(text, a["source"]) if kind == "anonymous"
                     else speaker.get("name") == who)
            return named and speaker.get("type") == kind and said in spans(text, a["content"])
        if not any(matches(a) for a in atts):
            missing.append((who, kind, said))
    assert not missing, missing
    contents = [text[s:e] for a in atts for s, e in a["content"]]
    assert '"I don\'t think so."' in contents


def test_bad_items():
    with pytest.raises(TypeError, match="expected a text"):
        verbatim.extract(42)
    with pytest.raises(TypeError, match="go with a text"):
        verbatim.extract({"text": "a"}, id="x")
    with pytest.raises(TypeError, match="JSON values"):
        verbatim.extract({"text": "a", "published": object()})
    with pytest.raises(verbatim.InputError, match="empty"):
        verbatim.extract("   \n ")
    with pytest.raises(verbatim.InputError, match='missing "text"'):
        verbatim.extract({"title": "no text"})
    with pytest.raises(verbatim.InputError, match='"text" is not a string'):
        verbatim.extract({"text": 3})
    err = pytest.raises(ValueError, verbatim.extract, "")
    assert isinstance(err.value, verbatim.Error)


def test_odd_fields_warn():
    with pytest.warns(verbatim.InputWarning, match="unparseable \"published\""):
        rec = verbatim.extract("Nothing to see here.", published="the day after")
    assert rec["published"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", verbatim.InputWarning)
        with pytest.raises(verbatim.InputWarning):
            verbatim.extract({"text": "Plain.", "title": 5})


def test_pipeline_is_reusable_and_shared_across_threads():
    from concurrent.futures import ThreadPoolExecutor
    p = verbatim.Pipeline()
    texts = [f'"Point {i}," Mary Jones said.' for i in range(16)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(p.extract, texts))
    assert got == [p.extract(t) for t in texts]
    assert all(r["attributions"][0]["speaker"]["name"] == "Mary Jones" for r in got)


def test_examples_extract_like_the_cli(cli):
    folder = REPO / "examples" / "articles"
    expected = json_lines(cli("extract", "--jobs", "1", folder))
    assert list(verbatim.extract_many(verbatim.read(folder), jobs=2)) == expected


def test_the_package_example_runs():
    check_doctests(verbatim)
