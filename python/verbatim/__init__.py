"""verbatim: who said what, in the news.

Finds every direct quote, mixed quote, reported-speech clause and "according to X" in news
articles: the source (who), the cue (the reporting words) and the content (what was said) as
offsets into the text, with the speaker resolved to a person, an organisation or an anonymous
source. The records are those of the ``verbatim extract`` command, offsets are code points
(``text[s:e]`` is the span).

>>> import verbatim
>>> rec = verbatim.extract('"We will win," Jeff Smith said.')
>>> a = rec["attributions"][0]
>>> a["speaker"]["name"], rec["text"][slice(*a["content"][0])]
('Jeff Smith', '"We will win,"')
"""

import os
import threading
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _native
from ._errors import Error, InputError, InputWarning, QueryError, StoreError
from ._native import Article

__all__ = [
    "Article",
    "Error",
    "InputError",
    "InputWarning",
    "Pipeline",
    "QueryError",
    "Store",
    "StoreError",
    "extract",
    "extract_many",
    "read",
]

_META = ("id", "title", "published", "outlet", "url", "byline")


def _with_meta(item, meta):
    given = {k: v for k, v in meta.items() if v is not None}
    if not given:
        return item
    if not isinstance(item, str):
        raise TypeError(
            "id=, title=, published=, outlet=, url= and byline= go with a text (str); "
            f"put them in the dict instead, not with a {type(item).__name__}"
        )
    return {"text": item, **given}


class Pipeline(_native.Pipeline):
    """The analysis pipeline with its models, loaded once; share it between calls and threads.

    Items are a text (``str``), a dict with the JSONL fields (``text``, and optionally ``id``,
    ``title``, ``published``, ``outlet``, ``url``, ``byline``) or an :class:`Article` from
    :func:`read`.
    """

    def extract(self, item, *, id=None, title=None, published=None, outlet=None, url=None,
                byline=None) -> Dict[str, Any]:
        """The record of one article: the same object as a line of ``verbatim extract``."""
        meta = dict(id=id, title=title, published=published, outlet=outlet, url=url,
                    byline=byline)
        return self._extract(_with_meta(item, meta))

    def extract_many(self, items: Iterable[Any], jobs: int = 0, *,
                     errors: str = "raise") -> Iterator[Dict[str, Any]]:
        """Records of many items, in input order, analysed on ``jobs`` threads (0: all cores).

        The GIL is released while the threads work; items are read from ``items`` as they are
        needed (a bounded number is in flight), so a generator over a huge file is fine.
        An item that gives no article (empty text, no ``text``) raises :class:`InputError`
        when its turn comes, or with ``errors="skip"`` is skipped with an
        :class:`InputWarning`.
        """
        if errors not in ("raise", "skip"):
            raise ValueError(f'errors must be "raise" or "skip", not {errors!r}')
        return self._extract_many(items, jobs, errors == "skip")


_default_lock = threading.Lock()
_default: Optional[Pipeline] = None


def _pipeline() -> Pipeline:
    global _default
    with _default_lock:
        if _default is None:
            _default = Pipeline()
        return _default


def extract(item, *, id=None, title=None, published=None, outlet=None, url=None,
            byline=None) -> Dict[str, Any]:
    """The record of one article (see :meth:`Pipeline.extract`), with a shared pipeline."""
    return _pipeline().extract(item, id=id, title=title, published=published, outlet=outlet,
                               url=url, byline=byline)


def extract_many(items: Iterable[Any], jobs: int = 0, *,
                 errors: str = "raise") -> Iterator[Dict[str, Any]]:
    """Records of many items in input order (see :meth:`Pipeline.extract_many`)."""
    return _pipeline().extract_many(items, jobs, errors=errors)


PathArg = Union[str, "os.PathLike[str]"]


def read(paths: Union[PathArg, Iterable[PathArg]], *, errors: str = "warn") -> Iterator[Article]:
    """The articles of files and directories, in order: any input ``verbatim extract`` reads.

    Plain text, JSONL (``.gz``/``.zst`` too), saved HTML pages, WARC crawls; directories are
    walked in path order. A problem with one item (a corrupt record, a page with no text) is an
    :class:`InputWarning` and the reading goes on, as in the CLI; ``errors="raise"`` raises
    :class:`InputError` instead. A path that does not exist raises ``FileNotFoundError``.
    """
    if errors not in ("warn", "raise"):
        raise ValueError(f'errors must be "warn" or "raise", not {errors!r}')
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    checked = []
    for p in paths:
        p = os.fsdecode(os.fspath(p))
        if p != "-" and not os.path.exists(p):
            raise FileNotFoundError(f"no such file or directory: {p}")
        checked.append(p)
    return _native.read(checked, errors == "raise")


class Store(_native.Store):
    """A verbatim store: a SQLite file or a ``postgres://`` URL, shared with the CLI.

    ``Store(path)`` creates the file if it is missing (``create=False`` raises
    ``FileNotFoundError`` instead). Query methods return lists of dicts, the objects the CLI
    prints with ``--format json``; ``limit=None`` returns every row.
    """

    def ingest(self, items: Iterable[Any], *, jobs: int = 0, batch: int = 64,
               pipeline: Optional[Pipeline] = None) -> Dict[str, Any]:
        """Analyses and stores items (as :meth:`Pipeline.extract_many` takes them).

        Articles already stored (same text or URL) are skipped; ``batch`` articles are
        committed per transaction. Returns ``{"stored", "duplicates", "attributions",
        "failed"}``, ``failed`` listing ``(item, message)`` for items not stored (each also
        an :class:`InputWarning`).
        """
        return self._ingest(items, pipeline or _pipeline(), jobs, batch)

    def quotes_frame(self, **filters):
        """:meth:`quotes` as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "quotes_frame needs pandas: pip install pandas (or use quotes(), which "
                "returns dicts)") from None
        rows = self.quotes(**filters)
        columns = _QUOTE_COLUMNS if not rows else list(rows[0])
        return pandas.DataFrame(rows, columns=columns)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_QUOTE_COLUMNS: List[str] = [
    "id", "article", "article_key", "index", "kind", "cue_class", "source_text", "cue_text",
    "content_text",
    "source", "cue", "content", "speaker", "speaker_id", "speaker_type", "speaker_gender",
    "resolved", "cluster",
    "altered", "outlet", "headline", "published", "url",
]
