"""A spaCy pipeline component: ``nlp.add_pipe("verbatim")`` sets ``doc._.attributions``.

spaCy finds the factory through the package's ``spacy_factories`` entry point, so nothing
needs importing first; spaCy itself is not a dependency of verbatim. verbatim analyses the
doc's text with its own tokenizer and models; each span is mapped onto the doc's tokens with
``Doc.char_span(..., alignment_mode="expand")`` (the smallest token span covering it), so a
span can be a little wider than verbatim's offsets where the two tokenizers cut differently.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> nlp.add_pipe("verbatim")  # doctest: +ELLIPSIS
<verbatim.spacy.AttributionComponent object at ...>
>>> doc = nlp('"We will win," Jeff Smith said.')
>>> a = doc._.attributions[0]
>>> a.kind, a.source[0].text, a.cue[0].text, a.speaker["name"]
('direct', 'Jeff Smith', 'said', 'Jeff Smith')
"""

from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional

try:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
except ImportError as e:  # only reached by an explicit import: spaCy loads it otherwise
    raise ImportError("verbatim.spacy is the spaCy component: pip install spacy") from e

from . import Error, Pipeline, _pipeline


class Attribution(NamedTuple):
    """One attribution of a doc, its pieces as spaCy spans (labelled source, cue, content)."""

    kind: str
    #: What the cue reports: speech, writing, thought, intention, evidence or other.
    cue_class: str
    source: List[Span]
    cue: List[Span]
    content: List[Span]
    #: The speaker as in the ``extract`` record (name, type, entity, ...), or ``None``.
    speaker: Optional[Dict[str, Any]]


if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


def _spans(doc: Doc, pieces: List[List[int]], label: str) -> List[Span]:
    spans = []
    for start, end in pieces:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:  # None only for a piece on no token (whitespace)
            spans.append(span)
    return spans


def attributions_of(doc: Doc, record: Dict[str, Any]) -> List[Attribution]:
    """The attributions of an ``extract`` record of ``doc.text`` as spans of ``doc``."""
    if record["text"] != doc.text:
        raise Error("the record is not of this doc's text: offsets would not apply")
    return [
        Attribution(
            kind=a["kind"],
            cue_class=a["cue_class"],
            source=_spans(doc, a["source"], "source"),
            cue=_spans(doc, a["cue"], "cue"),
            content=_spans(doc, a["content"], "content"),
            speaker=a["speaker"],
        )
        for a in record["attributions"]
    ]


class AttributionComponent:
    """Finds the attributions of each doc with a verbatim :class:`~verbatim.Pipeline`."""

    def __init__(self, pipeline: Optional[Pipeline] = None, jobs: int = 0):
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
            raise ValueError(f"jobs must be 0 (all cores) or a positive number, not {jobs!r}")
        self.pipeline = pipeline or _pipeline()
        self.jobs = jobs

    def __call__(self, doc: Doc) -> Doc:
        # A blank text is no article for verbatim (an InputError): here it has no attributions.
        blank = not doc.text.strip()
        doc._.attributions = [] if blank else attributions_of(doc, self.pipeline.extract(doc.text))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Docs in batches, each batch analysed on ``jobs`` threads, in input order."""
        batch: List[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._set(batch)
                batch = []
        yield from self._set(batch)

    def _set(self, docs: List[Doc]) -> List[Doc]:
        for doc, found in zip(docs, self._analyse(docs)):
            doc._.attributions = found
        return docs

    def _analyse(self, docs: List[Doc]) -> List[List[Attribution]]:
        texts = [doc.text for doc in docs if doc.text.strip()]
        records = iter(self.pipeline.extract_many(texts, jobs=self.jobs))
        return [attributions_of(doc, next(records)) if doc.text.strip() else [] for doc in docs]


@Language.factory("verbatim", default_config={"jobs": 0})
def make_component(nlp: Language, name: str, jobs: int) -> AttributionComponent:
    """``nlp.add_pipe("verbatim", config={"jobs": N})``: ``jobs`` threads for ``nlp.pipe``."""
    return AttributionComponent(jobs=jobs)
