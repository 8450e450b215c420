"""The HTML an editor pastes into an article to embed a view."""
from __future__ import annotations

from html import escape

EMBED_HEIGHT_PX = 640


def embed_url(base: str, query: str) -> str:
    return f"{base}embed?{query}" if query else f"{base}embed"


def embed_snippet(base: str, query: str, title: str) -> str:
    """A plain iframe with a height that fits the chart, the detail and a few list items."""
    return (f'<iframe src="{escape(embed_url(base, query))}" title="{escape(title)}" '
            f'width="100%" height="{EMBED_HEIGHT_PX}" style="border:0;max-width:100%" '
            f'loading="lazy"></iframe>')
