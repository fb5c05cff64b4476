"""Importers that other apps register for a kind of file.

imports stands above the apps that own some of the files it takes (reports owns targets.csv), so it
cannot import their code. Such an app registers its importer here when it is ready
(``AppConfig.ready``), and import_run (imports.services) runs it like the built-in kinds: the same
upload page, command, job record, progress and all-or-nothing errors.

An importer is called with keyword arguments only::

    importer(file=..., dry_run=..., progress=..., division_id=..., user_id=..., source=...) -> ImportResult

``division_id`` is the officer's division (None for HQ, IT and the command line): the importer refuses
any row outside it as ``line N: column: outside your division``. It raises ImportFailed on bad rows
and writes nothing then; importing the same file twice changes nothing.
"""

from collections.abc import Callable
from typing import Protocol

from imports.models import ImportKind
from imports.pipeline.reader import ImportResult, Progress


class Importer(Protocol):
    def __call__(self, *, file, dry_run: bool, progress: Progress | None, division_id: int | None,
                 user_id: int | None, source: str) -> ImportResult: ...


# Which of some rows of a file of that kind are already stored (their keys as the rows give them): the demo
# adds only what is missing, so a value set by hand stays, without reading the owning app's records itself.
RowsPresent = Callable[[list[dict]], set[tuple]]

_importers: dict[str, Importer] = {}
_present: dict[str, RowsPresent] = {}


def register(kind: str, importer: Importer, *, present: RowsPresent | None = None) -> None:
    """Makes ``importer`` the one for files of ``kind``, one of ImportKind (a job records its kind);
    ``present`` tells which rows of such a file are stored already."""
    if kind not in ImportKind.values:
        raise ValueError(f"{kind!r} is not an ImportKind: add it there first")
    if _importers.get(kind, importer) is not importer:
        raise ValueError(f"another importer is registered for {kind!r}")
    _importers[kind] = importer
    if present is not None:
        _present[kind] = present


def rows_present(kind: str, rows: list[dict]) -> set[tuple]:
    """The keys of those of ``rows`` (of a file of ``kind``) already stored, as its owner tells."""
    return _present[kind](rows)


def importer_for(kind: str) -> Importer | None:
    """The importer registered for ``kind``, or None."""
    return _importers.get(kind)
