"""Per-language columns (`title_ko`, `description_ru`, …: schema.LANGUAGE_COLUMNS)
filled for some events but not others: readers of that language would meet the
base column's words among theirs. A warning, not an error: a translation may
well be under way."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from timeline.data import schema
from timeline.data.report import Problem, warning


def partly_translated(raw: Mapping[str, np.ndarray], kind: np.ndarray,
                      lines: list[int]) -> list[Problem]:
    """A warning per language column some events fill and others, whose base
    column is filled, leave empty; on the first such event's line."""
    problems = []
    events = kind == schema.DEFAULT_ROW_TYPE
    for column in schema.TRANSLATABLE_COLUMNS:
        for language, name in schema.LANGUAGES.items():
            translated = schema.language_column(column, language)
            if translated not in raw:
                continue
            wanted = events & (raw.get(column, np.full(len(kind), "", dtype=object)) != "")
            filled = raw[translated] != ""
            missing = np.flatnonzero(wanted & ~filled)
            if not (wanted & filled).any() or not len(missing):
                continue
            first = int(missing[0])
            problems.append(warning(lines[first], translated, (
                f"{translated} is filled for {int((wanted & filled).sum())} of "
                f"{int(wanted.sum())} events with a {column}; readers in {name} see the "
                f"{column} of the other {len(missing)} (the first on this line) in the base "
                f"column's language. Translate them, or leave {translated} empty for all")))
    return problems
