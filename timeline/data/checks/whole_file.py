"""The whole-file checks: what no row shows alone. Ids used twice, a second title
row, actors spelt two ways, and which categories the file may use (the guide's,
or in a timeline on another subject its own).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from typing import Mapping

import numpy as np

from timeline.data import schema
from timeline.data.checks.columns import ContractColumns, Distinct, SpellingKeys
from timeline.data.checks.dialect import Dialect
from timeline.data.checks.text import quote, spelling_key, usual_spellings
from timeline.data.report import Problem, error, warning


def spelling_warnings(actors: Distinct, actor_names: list[tuple[str, ...]],
                      lines: list[int], keys: SpellingKeys) -> list[Problem]:
    """Actors written differently only by case or spacing, e.g. 'Kim Jong-un' / 'kim jong-un'."""
    rows_with = np.bincount(actors.codes, minlength=len(actors.values)).tolist()
    uses: dict[str, Counter] = defaultdict(Counter)
    first_line: dict[str, int] = {}
    # Values in the order first seen, so a name's first value is its earliest line.
    for names, rows, first_row in zip(actor_names, rows_with, actors.first_row.tolist()):
        for name in names:
            uses[keys[name]][name] += rows
            first_line.setdefault(name, lines[first_row])
    # The most used spelling (the earliest on a tie) is the one to keep.
    usual = {key: max(spellings, key=lambda n: (spellings[n], -first_line[n]))
             for key, spellings in uses.items() if len(spellings) > 1}
    if not usual:
        return []
    said = [[f"{quote(name)} is also written {quote(keep)} (first on line "
             f"{first_line[keep]}); use one spelling so the timeline counts them as the same "
             f"actor" for name in names if (keep := usual.get(keys[name], name)) != name]
            for names in actor_names]
    codes = actors.codes
    return [warning(lines[i], "actors", message)
            for i in np.flatnonzero(actors.each(map(bool, said), bool)).tolist()
            for message in said[codes[i]]]


_CATEGORY_LETTERS = tuple((len(name), dict(Counter(name))) for name in schema.CATEGORIES)
_NOT_A_CATEGORY_LETTER = re.compile(f"[^{''.join(sorted(set(''.join(schema.CATEGORIES))))}]+")
_SHORTEST_CATEGORY = min(map(len, schema.CATEGORIES))


def close_to_a_category(value: str, cutoff: float = 0.75) -> bool:
    """Whether difflib finds a category close to the value: its own two quick
    upper bounds are tried first (length, then letters in common), so the many
    values that cannot match cost a few steps rather than a difflib search."""
    word = value.lower()
    # However many of its letters a category shares, the word must have that many.
    in_any = len(_NOT_A_CATEGORY_LETTER.sub("", word))
    if 2.0 * in_any / (len(word) + _SHORTEST_CATEGORY) < cutoff:
        return False
    letters: set[str] | None = None
    for length, category_letters in _CATEGORY_LETTERS:
        total = len(word) + length
        if 2.0 * min(len(word), length) / total < cutoff:  # difflib's real_quick_ratio
            continue
        letters = letters if letters is not None else set(word)
        common = letters.intersection(category_letters)
        if 2.0 * sum(map(category_letters.__getitem__, common)) / total < cutoff:
            continue  # too few letters in common, even each as often as the category has it
        shared = sum(min(category_letters[letter], word.count(letter)) for letter in common)
        if 2.0 * shared / total >= cutoff:  # difflib's quick_ratio
            return bool(difflib.get_close_matches(word, list(schema.CATEGORIES), n=1,
                                                  cutoff=cutoff))
    return False


def category_vocabulary(columns: ContractColumns, present: dict[str, int], dialect: Dialect,
                        keys: SpellingKeys) -> Mapping[str, str]:
    """The categories this file may use: the guide's, or the file's own.

    A timeline on another subject (one from TimelineJS, say) has categories of
    its own. When no event uses one of the guide's categories, nor misspells
    one, the file's own are accepted, each as it is most often written; a file
    that uses any of the guide's must use only those, so a stray is still caught.
    """
    if "category" not in present:
        return schema.CATEGORIES
    category = columns.distinct["category"]
    of_events = category.where(bool)
    if "type" in present:
        of_events &= columns.distinct["type"].where(
            lambda value: value.lower() in ("", schema.DEFAULT_ROW_TYPE))
    if not dialect.own_categories:
        listed = {spelling_key(c) for c in schema.CATEGORIES}
        # Each category the events use, once (not each event's).
        used = np.bincount(category.codes[of_events], minlength=len(category.values))
        if any(keys[v] in listed or close_to_a_category(v)
               for v in map(category.values.__getitem__, np.flatnonzero(used).tolist())):
            return schema.CATEGORIES
    values = columns.row["category"][of_events].tolist()
    return dict.fromkeys(usual_spellings(values, keys.__getitem__).values(), "")


def extra_title_rows(kind: np.ndarray, lines: list[int]) -> dict[int, Problem]:
    """Every title row after the first, by row index: a timeline has one title."""
    titles = np.flatnonzero(kind == "title").tolist()
    return {i: error(lines[i], "type", (
        f"the timeline has one title, already on line {lines[titles[0]]}; make this row an "
        f"event or an era, or delete it")) for i in titles[1:]}


def duplicate_ids(column: np.ndarray, lines: list[int]) -> dict[int, Problem]:
    """Every row whose id an earlier row already has, by row index."""
    if len(set(column.tolist())) == len(column):  # the usual case, and quick to settle
        return {}
    ids = Distinct(column)
    again = (ids.first_row[ids.codes] != np.arange(len(ids.codes))) & ids.where(bool)
    return {i: error(lines[i], "id", (
        f"id {quote(ids.values[code])} is already used on line "
        f"{lines[ids.first_row[code]]}; give each event its own id"))
        for i in np.flatnonzero(again).tolist() for code in [ids.codes[i]]}


