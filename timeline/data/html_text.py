"""HTML (as TimelineJS holds text) to our description format, and back.

Our descriptions are plain text whose links are written `[text](https://…)`
(see `timeline.data.markup`). Coming in, every tag but a link is dropped, entities
become the characters they stand for, and script and style are dropped with
their contents: what is left is text, which the app only ever shows as text.
A link survives only with an http(s) address, so `javascript:` never becomes
something to click. A tag written as entities (`&lt;script&gt;`) is a tag once
decoded, and is dropped too: no later reader that treats the text as HTML is
ever handed one (the price: an editor's literal `<b>` does not survive a trip
through TimelineJS). Going out, the text is escaped and only our links become
tags, so an editor's `<b>` stays visible text in TimelineJS too.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote

from timeline.data.markup import Link, is_web_address, split_links

# Tags that end a block of text: a browser starts a new paragraph after them.
_BLOCKS = {"p", "div", "blockquote", "section", "article", "header", "footer", "ul", "ol",
           "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure", "figcaption"}
_LINE_BREAKS = {"br", "li"}
# Whose contents are code or styling, never text for a reader.
_HIDDEN = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
           "math", "head", "title"}
_PARAGRAPH = "\x00"  # markers the parser leaves, resolved once the text is whole
_LINE = "\x01"
# A tag written as entities (`&lt;script&gt;`) is a tag once decoded; it goes too,
# so no later reader that treats the text as HTML can be handed one.
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never text, and would fake a marker


class _TextCollector(HTMLParser):
    def __init__(self, keep_links: bool):
        super().__init__(convert_charrefs=True)
        self.keep_links = keep_links
        self.parts: list[str] = []
        self.hidden = 0                     # depth inside script, style and the like
        self.link: tuple[str, int] | None = None  # (address, where its text starts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINE_BREAKS:
            self.parts.append(_LINE)
        elif tag == "a" and self.link is None:
            href = dict(attrs).get("href") or ""
            self.link = (html.unescape(href).strip(), len(self.parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
        elif tag == "a" and self.link is not None:
            address, first = self.link
            self.link = None
            label = " ".join("".join(self.parts[first:]).replace(_PARAGRAPH, " ")
                             .replace(_LINE, " ").split())
            if self.keep_links and label and is_web_address(address):
                self.parts[first:] = [markdown_link(label, address)]

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(_CONTROL.sub("", data))

    def text(self) -> str:
        text = _without_tags("".join(self.parts))
        # Spaces and line breaks in HTML source are all one space to a reader.
        text = re.sub(r"\s+", " ", text)
        paragraphs = []
        for block in text.split(_PARAGRAPH):
            lines = [line.strip() for line in block.split(_LINE)]
            if any(lines):
                paragraphs.append("\n".join(line for line in lines if line))
        return "\n\n".join(paragraphs)


def _without_tags(text: str) -> str:
    """`text` with everything shaped like a tag removed, including the tags that
    appear only once inner ones are gone (`<scr<b>ipt>`), in one pass."""
    kept: list[str] = []
    opened: list[int] = []  # where each '<' still in `kept` is, innermost last
    for char in text:
        if char == "<":
            opened.append(len(kept))
        elif char == ">":
            start = opened.pop() if opened else None
            if start is not None and _TAG.fullmatch("".join(kept[start:]) + ">"):
                del kept[start:]
                continue
            opened.clear()  # no tag can reach across a '>' that stays
        kept.append(char)
    return "".join(kept)


def markdown_link(label: str, address: str) -> str:
    """`[label](address)` that `markup.split_links` reads back as this one link."""
    label = label.replace("[", "(").replace("]", ")")
    # Our link syntax cannot hold brackets or spaces in an address; these escapes
    # keep the same address.
    address = quote(address.strip(), safe=":/?#@!$&'*+,;=%~-._")
    return f"[{label}]({address})"


def html_to_text(markup: str, *, keep_links: bool = True) -> str:
    """Readable text of `markup`: paragraphs apart by a blank line, links as `[text](url)`.

    With `keep_links=False`, for one-line values such as a caption, a link
    becomes its text.
    """
    if not markup:
        return ""
    collector = _TextCollector(keep_links)
    collector.feed(markup)
    collector.close()
    return collector.text()


def html_to_line(markup: str) -> str:
    """One line of plain text, for headlines, dates, captions and credits."""
    return " ".join(html_to_text(markup, keep_links=False).split())


def text_to_html(text: str) -> str:
    """Our description as TimelineJS HTML: escaped paragraphs, links as `<a>`."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{_inline_html(p)}</p>" for p in paragraphs)


def _inline_html(paragraph: str) -> str:
    pieces = []
    for piece in split_links(paragraph):
        if isinstance(piece, Link):
            pieces.append(f'<a href="{html.escape(piece.url)}">{html.escape(piece.text)}</a>')
        else:
            pieces.append(html.escape(piece, quote=False))
    return "<br>".join(line.strip() for line in "".join(pieces).split("\n"))
