"""The spaCy component: found through the entry point, spans that cover verbatim's offsets,
nlp.pipe the same as one doc at a time. Skipped with the reason when spaCy is missing."""

import importlib.metadata
import subprocess
import sys

import pytest

import verbatim
from conftest import check_doctests

spacy = pytest.importorskip("spacy", reason="spaCy is not installed: component tests skipped")

TEXTS = [
    '"We will win," Jeff Smith said on Tuesday. Critics disagreed.',
    "According to the mayor, the bridge will reopen in May.",
    "No one said anything here. The weather was fine.",
    "   ",
    "Café owners — «c'est fini», sagte Angela Merkel — told reporters the rent was too high.",
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("verbatim")
    return nlp


def test_the_factory_is_an_entry_point():
    found = importlib.metadata.entry_points()
    group = (found.select(group="spacy_factories") if hasattr(found, "select")
             else found.get("spacy_factories", []))
    assert "verbatim" in {ep.name for ep in group}
    # spaCy imports the entry point itself: no `import verbatim` in the script.
    script = ("import spacy; nlp = spacy.blank('en'); nlp.add_pipe('verbatim'); "
              "print(nlp('\"Yes,\" Bob Lee said.')._.attributions[0].speaker['name'])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "Bob Lee\n"


def test_spans_cover_the_record_offsets(nlp):
    for text in TEXTS:
        doc = nlp(text)
        if not text.strip():
            assert doc._.attributions == []
            continue
        record = verbatim.extract(text)
        assert len(doc._.attributions) == len(record["attributions"])
        for got, want in zip(doc._.attributions, record["attributions"]):
            assert got.kind == want["kind"]
            assert got.cue_class == want["cue_class"]
            assert got.speaker == want["speaker"]
            for part in ("source", "cue", "content"):
                spans, pieces = getattr(got, part), want[part]
                assert len(spans) == len(pieces)
                for span, (s, e) in zip(spans, pieces):
                    assert span.label_ == part
                    assert span.start_char <= s < e <= span.end_char
                    assert text[s:e] in span.text


def test_a_quote_as_spans(nlp):
    (a,) = nlp('"We will win," Jeff Smith said on Tuesday.')._.attributions
    assert (a.kind, a.source[0].text, a.cue[0].text) == ("direct", "Jeff Smith", "said")
    assert a.content[0].text == '"We will win,"'
    assert a.speaker["type"] == "person"


def test_pipe_equals_one_doc_at_a_time(nlp):
    def flat(doc):
        return [(a.kind, [(s.start, s.end) for s in a.source + a.cue + a.content])
                for a in doc._.attributions]

    texts = TEXTS * 7
    one = [flat(nlp(t)) for t in texts]
    assert [flat(d) for d in nlp.pipe(texts, batch_size=4)] == one
    assert any(one)


def test_bad_config():
    nlp = spacy.blank("en")
    with pytest.raises(Exception, match="jobs must be 0"):
        nlp.add_pipe("verbatim", config={"jobs": -2})


def test_the_module_example_runs():
    import verbatim.spacy

    check_doctests(verbatim.spacy)
