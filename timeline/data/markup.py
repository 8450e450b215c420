"""The little markup an editor may write: `[text](https://…)` links in plain text.

Everything else stays text. Only http(s) addresses become links, so a
`javascript:` or `data:` address can never be clicked into running.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def split_links(text: str) -> list[str | Link]:
    """Text cut into plain strings and Links, in order; bad links stay as typed."""
    pieces: list[str | Link] = []
    position = 0
    for match in _LINK.finditer(text):
        label, url = match.groups()
        if not is_web_address(url):
            continue
        if match.start() > position:
            pieces.append(text[position:match.start()])
        pieces.append(Link(label, url))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def plain_text(text: str) -> str:
    """The text a reader reads: link markup replaced by its label."""
    return "".join(p.text if isinstance(p, Link) else p for p in split_links(text))


def escape_for_plotly(text: str) -> str:
    """Plotly renders a subset of HTML in labels; editors' text must show as typed."""
    return html.escape(text, quote=False)
