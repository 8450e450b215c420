"""The whole-file checks: what no row shows alone. Ids used twice, a second title
row, actors spelt two ways, which categories the file may use (those its category
rows declare, else its own as written), a category declared twice, and declared
colours readers may not tell apart.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import numpy as np

from timeline.data import colour_vision, schema
from timeline.data.checks.columns import ContractColumns, Distinct, SpellingKeys
from timeline.data.checks.text import quote, spelling_key, usual_spellings
from timeline.data.colour_vision import HEX_COLOUR
from timeline.data.report import Problem, error, warning


def spelling_warnings(actors: Distinct, actor_names: list[tuple[str, ...]],
                      lines: list[int], keys: SpellingKeys) -> list[Problem]:
    """Actors written differently only by case or spacing, e.g. 'Ada Lovelace' / 'ada lovelace'."""
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


def category_rows(columns: ContractColumns) -> np.ndarray:
    """The indexes of the rows that declare a category (type `category`, in any case)."""
    return np.flatnonzero(columns.distinct["type"].where(
        lambda value: spelling_key(value) == "category"))


def category_vocabulary(columns: ContractColumns, present: dict[str, int],
                        keys: SpellingKeys) -> Mapping[str, str]:
    """The categories this file's events may use, name → description: those its
    category rows declare, in their order; without any, the file's own, each as it
    is most often written (so only a spelling that differs is said)."""
    if "category" not in present:
        return {}
    declared = category_rows(columns)
    if len(declared):
        names = columns.row["category"][declared].tolist()
        descriptions = columns.row["description"][declared].tolist()
        known: dict[str, str] = {}
        for name, text in zip(names, descriptions):
            if name:  # the first declaration of a name (a second is duplicate_categories')
                known.setdefault(name, text)
        return known
    category = columns.distinct["category"]
    of_events = category.where(bool)
    if "type" in present:
        of_events &= columns.distinct["type"].where(
            lambda value: value.lower() in ("", schema.DEFAULT_ROW_TYPE))
    values = columns.row["category"][of_events].tolist()
    return dict.fromkeys(usual_spellings(values, keys.__getitem__).values(), "")


def duplicate_categories(columns: ContractColumns, lines: list[int]) -> dict[int, Problem]:
    """Every category row declaring a name an earlier one declares (in any spelling)."""
    first: dict[str, int] = {}
    found = {}
    for i in category_rows(columns).tolist():
        name = columns.row["category"][i]
        if not name:
            continue
        if (earlier := first.setdefault(spelling_key(name), i)) != i:
            found[i] = error(lines[i], "category", (
                f"category {quote(name)} is already declared on line {lines[earlier]}; "
                f"declare each category once (keep one of the two rows)"))
    return found


def colour_warnings(columns: ContractColumns, lines: list[int]) -> list[Problem]:
    """Declared colours that readers may not see: too faint against the chart's
    background (light, or dark as the dark page draws them), or two categories
    that read as one in normal vision or a common colour-vision deficiency."""
    rows = [i for i in category_rows(columns).tolist()
            if HEX_COLOUR.fullmatch(columns.row["colour"][i]) and columns.row["category"][i]]
    if not rows:
        return []
    problems = []
    line_of, colours = {}, {}
    for i in rows:
        name, colour = columns.row["category"][i], columns.row["colour"][i].lower()
        if name in colours:
            continue  # a duplicate, an error already
        line_of[name], colours[name] = lines[i], colour
        for theme, ratio in colour_vision.low_contrast(colour):
            problems.append(warning(lines[i], "colour", (
                f"{quote(colour)} stands out too little from the chart's {theme} background "
                f"(contrast {ratio:.1f}:1, under {colour_vision.MARK_CONTRAST:.0f}:1): readers "
                f"may miss the {quote(name)} marks; choose a "
                f"{'darker' if theme == 'light' else 'lighter'} colour")))
    for first, second, seen, apart in colour_vision.too_close(colours):
        problems.append(warning(line_of[second], "colour", (
            f"the colours of categories {quote(first)} (line {line_of[first]}) and "
            f"{quote(second)} read as one to {seen} (CIEDE2000 distance {apart:.1f}, under "
            f"{colour_vision.SMALLEST_DISTANCE:.0f}); choose colours further apart, in "
            f"lightness as well as hue")))
    return problems


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


