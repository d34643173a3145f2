"""Where a document's snapshot comes from. Domain apps register a source per kind at startup
(billing registers "invoice" and "credit_note" in its AppConfig.ready), so documents never
imports them.

A source takes the document number and returns the issued snapshot dict; it raises
`kontorhaus.core.exceptions.NotFound` for an unknown number.
"""

from collections.abc import Callable
from typing import Any

from kontorhaus.core.exceptions import NotFound

Source = Callable[[str], dict[str, Any]]

_sources: dict[str, Source] = {}


def register_source(kind: str, source: Source) -> None:
    _sources[kind] = source


def unregister_source(kind: str) -> None:
    _sources.pop(kind, None)


def snapshot_for(kind: str, number: str) -> dict[str, Any]:
    try:
        source = _sources[kind]
    except KeyError:
        raise NotFound(f"no document source registered for {kind!r}", details={"kind": kind})
    return source(number)
