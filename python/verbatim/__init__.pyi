import os
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Tuple, Union

from ._errors import Error as Error
from ._errors import InputError as InputError
from ._errors import InputWarning as InputWarning
from ._errors import QueryError as QueryError
from ._errors import StoreError as StoreError

PathArg = Union[str, os.PathLike[str]]
Date = Union[str, int, float, Any]  # ISO 8601 text, Unix seconds, or a date/datetime
Item = Union[str, Mapping[str, Any], "Article"]
Record = Dict[str, Any]
Row = Dict[str, Any]

class Article:
    """An article as read from a file; pass it to extract/extract_many/Store.ingest as is."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def headline(self) -> Optional[str]: ...
    @property
    def published(self) -> Optional[str]: ...
    @property
    def updated(self) -> Optional[str]: ...
    @property
    def dateline(self) -> Optional[Dict[str, Optional[str]]]: ...
    @property
    def byline(self) -> Optional[str]: ...
    @property
    def outlet(self) -> Optional[str]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def origin(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

class Pipeline:
    def __init__(self) -> None: ...
    def extract(
        self,
        item: Item,
        *,
        id: Optional[Union[str, int]] = None,
        title: Optional[str] = None,
        published: Optional[Date] = None,
        outlet: Optional[str] = None,
        url: Optional[str] = None,
        byline: Optional[str] = None,
    ) -> Record: ...
    def extract_many(
        self, items: Iterable[Item], jobs: int = 0, *, errors: Literal["raise", "skip"] = "raise"
    ) -> Iterator[Record]: ...

def extract(
    item: Item,
    *,
    id: Optional[Union[str, int]] = None,
    title: Optional[str] = None,
    published: Optional[Date] = None,
    outlet: Optional[str] = None,
    url: Optional[str] = None,
    byline: Optional[str] = None,
) -> Record: ...
def extract_many(
    items: Iterable[Item], jobs: int = 0, *, errors: Literal["raise", "skip"] = "raise"
) -> Iterator[Record]: ...
def read(
    paths: Union[PathArg, Iterable[PathArg]], *, errors: Literal["warn", "raise"] = "warn"
) -> Iterator[Article]: ...

Kind = Literal["direct", "mixed", "indirect", "according_to", "other"]
SpeakerType = Literal["person", "organization", "group", "anonymous", "document", "unknown"]
Sort = Literal["date", "relevance"]

class Store:
    def __init__(self, target: PathArg, create: bool = True) -> None: ...
    @property
    def target(self) -> str: ...
    @property
    def backend(self) -> Literal["sqlite", "postgres"]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Store": ...
    def __exit__(self, *exc: Any) -> None: ...
    def ingest(
        self,
        items: Iterable[Item],
        *,
        jobs: int = 0,
        batch: int = 64,
        pipeline: Optional[Pipeline] = None,
    ) -> Dict[str, Any]: ...
    def quotes(
        self,
        *,
        speaker: Optional[str] = None,
        search: Optional[str] = None,
        outlet: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        kind: Optional[Kind] = None,
        cue_class: Optional[str] = None,
        speaker_id: Optional[int] = None,
        article: Optional[int] = None,
        cluster: Optional[int] = None,
        min_confidence: Optional[float] = None,
        sort: Sort = "date",
        limit: Optional[int] = 20,
        offset: int = 0,
    ) -> List[Row]: ...
    def quotes_frame(
        self,
        *,
        speaker: Optional[str] = None,
        search: Optional[str] = None,
        outlet: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        kind: Optional[Kind] = None,
        cue_class: Optional[str] = None,
        speaker_id: Optional[int] = None,
        article: Optional[int] = None,
        cluster: Optional[int] = None,
        min_confidence: Optional[float] = None,
        sort: Sort = "date",
        limit: Optional[int] = 20,
        offset: int = 0,
    ) -> Any: ...  # pandas.DataFrame
    def speakers(
        self,
        *,
        name: Optional[str] = None,
        type: Optional[SpeakerType] = None,
        limit: Optional[int] = 20,
        offset: int = 0,
    ) -> List[Row]: ...
    def speaker(self, id: int) -> Optional[Row]: ...
    def explain(self, name: str) -> List[Row]: ...
    def article(self, id: Union[int, str]) -> Optional[Row]: ...
    def articles(
        self,
        *,
        search: Optional[str] = None,
        outlet: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        sort: Sort = "date",
        limit: Optional[int] = 20,
        offset: int = 0,
    ) -> List[Row]: ...
    def clusters(
        self,
        *,
        speaker: Optional[str] = None,
        altered: bool = False,
        min_size: int = 2,
        limit: Optional[int] = 20,
        offset: int = 0,
    ) -> List[Row]: ...
    def cluster(self, id: int) -> Optional[Row]: ...
    def stats(self) -> Dict[str, int]: ...
