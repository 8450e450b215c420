"""The quick pass: the row rules (`row_rules`) read over whole columns, to find
the rows that may have a problem; only those go through `check_row`, which
writes every message. It may flag a row with nothing to say, never miss one
(tests/test_checking_speed.py holds the two readings to the same result).
"""
from __future__ import annotations

import re
import string

import numpy as np

from timeline.data import schema
from timeline.data.checks.columns import NOT_A_DATE, ContractColumns, EmptyCells, mask
from timeline.data.checks.dialect import Dialect
from timeline.data.checks.mixed_scripts import mixed_script_messages
from timeline.data.checks.row_rules import KINDS, KNOWN_CERTAINTIES, SLUG, Vocabulary

# A link `row_rules._url_problem` has nothing to say about: http(s)://, a plain host name
# (and port), then printable ASCII and no spaces. Any other link is asked of it.
_PLAIN_WEB_LINK = re.compile(r"(?i:https?)://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")

# A slug's characters, and the line break `_all_slugs` joins slugs with.
_SLUG_CHARACTERS = dict.fromkeys(map(ord, string.ascii_lowercase + string.digits + "-\n"))


def _all_slugs(ids: np.ndarray) -> bool:
    """Whether SLUG matches every one of these ids (none empty), settled on them
    joined into one text, which is quicker than matching each: a slug's characters
    only, no line break but the joins, no hyphen doubled or at either end of an id."""
    joined = "\n".join(ids.tolist())
    return (not joined.translate(_SLUG_CHARACTERS) and joined.count("\n") == len(ids) - 1
            and not any(part in joined for part in ("--", "-\n", "\n-"))
            and not joined.startswith("-") and not joined.endswith("-"))


def _mixes_scripts(values: np.ndarray) -> np.ndarray:
    """Whether mixed_script_messages has anything to say, for every value."""
    plain = mask(str.isascii, values)
    mixed = {value for value in set(values[~plain].tolist()) if mixed_script_messages(value)}
    return mask(mixed.__contains__, values)


def may_have_problems(columns: ContractColumns, categories: Vocabulary,
                      present: dict[str, int], dialect: Dialect) -> np.ndarray:
    """True for every row `check_row` might say anything about: a little more
    than that, never less, so a row left out has no problem of its own; but for
    one, said without it (many files have many): `unsourced`."""
    row, distinct, start, end = columns.row, columns.distinct, columns.start, columns.end
    empty = EmptyCells(row, distinct)
    is_kind = {name: columns.kind == name for name in schema.ROW_TYPES}
    flagged = distinct["type"].where(lambda value: value not in KINDS)
    for name, required in schema.REQUIRED_BY_ROW_TYPE.items():
        if is_kind[name].any():  # most files have no era, and no title row
            for column in required:
                if column in present:
                    flagged |= is_kind[name] & empty[column]
    ids = np.flatnonzero(~empty["id"])
    if not _all_slugs(row["id"][ids]):
        flagged[ids] |= ~mask(SLUG.match, row["id"][ids])
    wrong_dates = (start.ongoing | (start.first == NOT_A_DATE) | (end.last == NOT_A_DATE)
                   | ((end.last >= 0) & (end.last < start.first)))
    title = is_kind["title"]
    flagged |= ~title & wrong_dates
    if title.any():
        dated = np.logical_or.reduce([~empty[column] for column in schema.DATE_COLUMNS])
        flagged |= title & ((empty["title"] & empty["description"]) | dated)
    flagged |= ~empty["settings"]  # a title row's, or out of place: few rows have any
    flagged |= ~empty["colour"]  # a category row's, likewise
    flagged |= np.fromiter(map(len, row["title"]), np.int64, len(title)) > schema.TITLE_MAX_LENGTH
    facts = distinct["actors"].each(
        (bool(value) and not names
         for value, names in zip(distinct["actors"].values, columns.actor_names)), bool)
    facts |= distinct["category"].where(lambda value: value and value not in categories)
    facts |= distinct["certainty"].where(lambda value: value and value not in KNOWN_CERTAINTIES)
    flagged |= is_kind["event"] & facts
    for column in schema.URL_COLUMNS:
        links = np.flatnonzero(~empty[column])
        flagged[links] |= ~mask(_PLAIN_WEB_LINK.fullmatch, row[column][links])
    for column, values in row.items():
        if column not in columns.ascii:
            flagged |= _mixes_scripts(values)
    return flagged


def unsourced(columns: ContractColumns, present: dict[str, int], dialect: Dialect) -> np.ndarray:
    """The events with no source (a warning, `NO_SOURCE`)."""
    if not (dialect.expects_source and "source" in present):
        return np.zeros(len(columns.kind), dtype=bool)
    return (columns.kind == schema.DEFAULT_ROW_TYPE) & (columns.row["source"] == "")


