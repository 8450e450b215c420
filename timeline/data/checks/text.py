"""What every check does to an editor's text: values cleaned as spreadsheets
leave them, quoted in messages, names compared by spelling, actors split, slugs.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable, Iterable

from timeline.data import schema
from timeline.data.text_folding import normalise_text


def quote(value: str, limit: int = 60) -> str:
    """An editor's value quoted inside a message, on one line and not too long."""
    value = " ".join(value.split())
    return f"'{value}'" if len(value) <= limit else f"'{value[:limit - 1]}…'"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


INVISIBLE_SPACES = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width spaces, joiners, BOM


def clean_value(value: str) -> str:
    # Spreadsheets leave non-breaking and zero-width spaces around values, and
    # Windows line breaks inside them; a value's line breaks become plain '\n'.
    value = value.strip().strip(INVISIBLE_SPACES).strip()
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


_ASCII_WHITE_SPACE = str.maketrans("", "", "\t\n\v\f\r ")  # White_Space's ASCII part


def spelling_key(text: str) -> str:
    """What stays of a name once case, spacing and accents are ignored, as the
    app's filters ignore them: 'Zoë  Brontë' ~ 'zoe bronte'."""
    if text.isascii():  # what normalise_text does to ASCII, at a fraction of the cost
        return text.lower().translate(_ASCII_WHITE_SPACE)
    return normalise_text(text).replace(" ", "")


def usual_spellings(values: Iterable[str],
                    key: Callable[[str], str] = spelling_key) -> dict[str, str]:
    """Spelling key → the spelling used most often (the earliest on a tie)."""
    uses = Counter(values)  # each spelling's key worked out once, in first-seen order
    spellings: dict[str, list[str]] = defaultdict(list)
    for value in uses:
        spellings[key(value)].append(value)
    # max() keeps the first of equals.
    return {k: names[0] if len(names) == 1 else max(names, key=uses.__getitem__)
            for k, names in spellings.items()}


def split_actors(value: str) -> tuple[str, ...]:
    """'Ada; Bo;; Ada' → ('Ada', 'Bo'): stripped, empties and repeats dropped."""
    names = value.split(schema.ACTOR_SEPARATOR)
    # ASCII holds no invisible space: without a '\r' too, str.strip does all clean_value does.
    plain = value.isascii() and "\r" not in value
    return tuple(dict.fromkeys(filter(None, map(str.strip if plain else clean_value, names))))


def slugify(text: str) -> str:
    """'Ada–Bo Café' → 'ada-bo-cafe': accents dropped, anything else a hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", normalise_text(text)).strip("-")

