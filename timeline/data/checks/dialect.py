"""How a file format other than ours bends the contract: TimelineJS sheets
(`timeline.data.timelinejs`) are checked by our rules through a `Dialect`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Dialect:
    """How a file format other than ours bends the contract (see `timeline.data.timelinejs`)."""
    # A format with nowhere to write a source should not be warned about each row.
    expects_source: bool = True
    # Our column → the column the editor actually wrote, for the problems' column
    # and the messages that name one.
    labels: Mapping[str, str] = field(default_factory=dict)
    # What converting the file has said already, so the checks do not say it again:
    # nothing more at these (line, column as written), nothing of these columns.
    said: frozenset[tuple[int | None, str]] = frozenset()
    made_up: tuple[str, ...] = ()

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


OUR_FORMAT = Dialect()

