"""Mixed scripts: a word that looks right but mixes alphabets (a Cyrillic 'С' in
'Сosmodrome', a Latin letter in Korean text), which search and sorting miss.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from timeline.data.checks.text import quote

_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC", "THAI",
            "DEVANAGARI", "HANGUL", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}
# Japanese and Korean words legitimately mix these; treat them as one writing system.
_SAME_SYSTEM = {"HANGUL": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    words = unicodedata.name(char, "").split()
    if words[:1] in (["FULLWIDTH"], ["HALFWIDTH"]):
        words = words[1:]
    if not words or words[0] not in _SCRIPTS:
        return None  # marks, symbols and letters shared by all scripts
    return _SAME_SYSTEM.get(words[0], words[0])


def mixed_script_messages(text: str) -> list[str]:
    """One message per word that mixes alphabets, e.g. a Cyrillic 'С' in 'Сosmodrome'."""
    if text.isascii():  # the common case, and by far the cheapest to settle
        return []
    messages = []
    for word in dict.fromkeys(_WORD.findall(text)):
        scripts = [(c, s) for c in word if (s := _script(c))]
        counts = Counter(s for _, s in scripts)
        if len(counts) < 2:
            continue
        main = max(counts, key=lambda s: (counts[s], -[x for _, x in scripts].index(s)))
        odd = list(dict.fromkeys(c for c, s in scripts if s != main))
        described = ", ".join(f"'{c}' is {unicodedata.name(c)} (U+{ord(c):04X})" for c in odd[:3])
        messages.append(
            f"the word {quote(word)} mixes alphabets: {described}, among {main.title()} letters. "
            f"It looks right but search and sorting will miss it; retype the word")
    return messages

