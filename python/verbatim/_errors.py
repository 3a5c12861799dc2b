"""The exceptions and the warning category of verbatim."""


class Error(Exception):
    """Base class of every error verbatim raises (bad arguments raise TypeError/ValueError)."""


class InputError(Error, ValueError):
    """An input item gave no article: no or empty ``text``, invalid JSON, an unreadable file."""


class StoreError(Error):
    """The store could not be opened, read or written (SQLite, PostgreSQL, search index)."""


class QueryError(StoreError, ValueError):
    """A store query was given a bad filter (an unknown kind, a malformed date)."""


class InputWarning(UserWarning):
    """Something odd in an input that did not stop it (e.g. invalid UTF-8, an unparseable date)."""
