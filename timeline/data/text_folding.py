"""When two pieces of text are 'the same' to the filters, the search and the checks.

One rule, `normalise_text`, used by the filters and the search
(`timeline/view/transforms.py`), by the spelling checks and slugs
(`timeline/data/checks/text.py`), and copied once in JavaScript (`normaliseText` in
`timeline/engine/web/timeline-core.js`); `tests/data/text_cases.json` pins both, and a
browser test compares them on every character and on generated text.

- Compatibility forms are the letters they stand for (NFKD): 'ﬁ' is 'fi', 'Ａ' is 'A'.
- The marks writers commonly leave out are dropped: accents on Latin, Greek and
  Cyrillic letters (the combining diacritical mark blocks: 'é' is 'e', 'ё' is 'е'),
  Hebrew points and Arabic vowel marks. Russian 'й' stays: it is a letter of
  its own, never written as 'и' (where 'ё' is often written as 'е'). Every other script's marks are part of
  its spelling and stay: Indic vowel signs and viramas (हिंदी keeps U+0902),
  the kana voicing marks (が is not か), Thai tone marks.
- Then recomposed (NFC), so Korean compares as syllables whichever form it came in.
- Lower case, with 'ß' as 'ss' and Greek final 'ς' as 'σ'.
- Runs of white space (Unicode's White_Space) are one space, none at the ends.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

DROPPED_MARKS = (
    "\u0300-\u036f"                                       # Latin, Greek, Cyrillic accents
    "\u0483-\u0487"                                       # Cyrillic titlo and the like
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew points, cantillation
    "\u064b-\u065f\u0670"                                 # Arabic vowel marks
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # more combining diacriticals
)
# Unicode's White_Space property, listed: Python's str.split() and JavaScript's
# \s each use a slightly different set.
WHITE_SPACE = ("\t\n\v\f\r \u0085\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200b)))
               + "\u2028\u2029\u202f\u205f\u3000")

_DROPPED = re.compile(f"[{DROPPED_MARKS}]+")
_SPACE_RUNS = re.compile(f"[{re.escape(WHITE_SPACE)}]+")


# str.split() splits on these too, but they are no White_Space; it splits on
# every other White_Space character, and on nothing else.
_PYTHON_ONLY_SPACE = "\x1c\x1d\x1e\x1f"
_OTHER_SPACE = WHITE_SPACE.replace(" ", "")


def normalise_text(text: str) -> str:
    """'Ada  Lovelace-King' → 'ada lovelace-king', 'Ёлка' → 'елка', 'Straße' → 'strasse'."""
    return _single_spaced(_folded_letters(text))


def _single_spaced(text: str) -> str:
    """Runs of White_Space as one space, none at the ends."""
    # Looking costs a small part of splitting: most text is spaced so already.
    if "  " not in text and not any(character in text for character in _OTHER_SPACE):
        return text.strip(" ")
    if any(character in text for character in _PYTHON_ONLY_SPACE):
        return " ".join(word for word in _SPACE_RUNS.split(text) if word)
    return " ".join(text.split())  # the same, and much faster


def _folded_letters(text: str) -> str:
    """Every step of the folding but the one of white space."""
    if text.isascii():  # nothing to decompose or drop, no ß or ς: the same, faster
        return text.lower()
    # NFKD splits й into и and a breve: put it back before the breve is dropped.
    decomposed = unicodedata.normalize("NFKD", text).replace("и\u0306", "й").replace(
        "И\u0306", "Й")
    bare = _DROPPED.sub("", decomposed)
    return unicodedata.normalize("NFC", bare).lower().replace("ß", "ss").replace("ς", "σ")


# Many texts are folded as one string (one pass of each step, not one per text),
# joined by a character that folding keeps as it is and that is no White_Space,
# so each text's folded form lies between two of them. A few thousand at a time:
# a bounded copy of them in memory.
_JOINER = "\x00"
_BATCH = 2000


def normalise_texts(texts: Iterable[str]) -> list[str]:
    """`normalise_text` of each text (the same results, several times faster for
    the search texts of a big timeline)."""
    texts = list(texts)
    folded: list[str] = []
    for start in range(0, len(texts), _BATCH):
        batch = texts[start:start + _BATCH]
        joined = _JOINER.join(batch)
        if joined.count(_JOINER) != len(batch) - 1:  # a text holds the joiner itself
            folded += map(normalise_text, batch)
            continue
        # One space between words now, and at most one at each end of a text: stripped.
        spaced = _single_spaced(_folded_letters(joined))
        folded += [text.strip(" ") for text in spaced.split(_JOINER)]
    return folded


def strip_white_space(text: str) -> str:
    """`text` without White_Space at either end (str.strip() also strips U+001C–U+001F)."""
    return text.strip(WHITE_SPACE)
