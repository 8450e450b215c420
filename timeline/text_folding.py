"""When two pieces of text are 'the same' to the filters, the search and the checks.

One rule, `normalise_text`, used by the filters and the search
(`timeline/transforms.py`), by the spelling checks and slugs
(`timeline/validation.py`), and copied once in JavaScript (`normaliseText` in
`timeline/web/timeline-core.js`); `tests/data/text_cases.json` pins both, and a
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


def normalise_text(text: str) -> str:
    """'Kim  Jong-Un' → 'kim jong-un', 'Ёлка' → 'елка', 'Straße' → 'strasse'."""
    # NFKD splits й into и and a breve: put it back before the breve is dropped.
    decomposed = unicodedata.normalize("NFKD", text).replace("и\u0306", "й").replace(
        "И\u0306", "Й")
    bare = _DROPPED.sub("", decomposed)
    lowered = unicodedata.normalize("NFC", bare).lower().replace("ß", "ss").replace("ς", "σ")
    return " ".join(word for word in _SPACE_RUNS.split(lowered) if word)


def strip_white_space(text: str) -> str:
    """`text` without White_Space at either end (str.strip() also strips U+001C–U+001F)."""
    return text.strip(WHITE_SPACE)
