"""The HTML an editor pastes into an article to embed a view.

Two forms: a plain iframe with a fixed height, which works in any page, and the
same iframe with `/embed.js`, which makes it as tall as its content (the embed
reports its height, see `timeline/embed/web/resize.js`). Every value is escaped:
titles come from editors.
"""
from __future__ import annotations

from html import escape

# Fits the chart, the detail panel and a few list items without a script.
EMBED_HEIGHT_PX = 640
# The width oEmbed answers announce: a wide article column (the iframe still
# shrinks to a narrower one).
EMBED_WIDTH_PX = 720
# The attribute `/embed.js` looks for.
LOADER_ATTRIBUTE = "data-timeline-embed"
# What the article lets the embed pass on to an event's video player (its
# Permissions-Policy and media.js do the rest): full screen, picture-in-picture.
FRAME_ALLOW = "fullscreen; picture-in-picture"


def embed_url(base: str, query: str) -> str:
    return f"{base}embed?{query}" if query else f"{base}embed"


def loader_url(base: str) -> str:
    return f"{base}embed.js"


def iframe_tag(src: str, title: str, *, width: int | None = None,
               height: int = EMBED_HEIGHT_PX, marked: bool = False) -> str:
    """An iframe that fills its column (up to `width` pixels when given)."""
    size = (f'width="{int(width)}" height="{int(height)}" '
            f'style="border:0;width:100%;max-width:{int(width)}px"' if width is not None else
            f'width="100%" height="{int(height)}" style="border:0;max-width:100%"')
    mark = f" {LOADER_ATTRIBUTE}" if marked else ""
    return (f'<iframe src="{escape(src)}" title="{escape(title)}" {size}{mark} '
            f'allow="{FRAME_ALLOW}" loading="lazy"></iframe>')


def embed_snippet(base: str, query: str, title: str) -> str:
    """A plain iframe with a height that fits the chart, the detail and a few list items."""
    return iframe_tag(embed_url(base, query), title)


def embed_loader_snippet(base: str, query: str, title: str) -> str:
    """The iframe and the script that keeps it as tall as its content."""
    return (iframe_tag(embed_url(base, query), title, marked=True) + "\n"
            + f'<script src="{escape(loader_url(base))}" async></script>')
