"""The credit line under a timeline: "Graphic: …, Source: …", from its title row.

Who made the graphic is the title row's `credit=` setting; where its facts come
from, its `source` (a link when it has a `source_url`). Both are the editors'
words, so they go into the page as text, escaped; the labels are the page's
language's (view/language.py).
"""
from __future__ import annotations

import html

from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.view.language import messages_for

SOURCE_MARK = "{source}"


def credit_footer(result, language: str = DEFAULT_LANGUAGE) -> str:
    """The credit line at the foot of the pages (embed, explorer, static export); "" without
    one. The source is a link when the title row has a `source_url` (the validator
    allows only http and https addresses; so does this)."""
    messages = messages_for(language)
    parts = []
    if credit := result.credit:
        parts.append(html.escape(messages.gettext("Graphic: {credit}", credit=credit)))
    if source := result.source:
        # The label's words around the source, as the language orders them.
        before, _, after = messages.gettext("Source: {source}").partition(SOURCE_MARK)
        text = html.escape(source)
        if (url := result.source_url).lower().startswith(("https://", "http://")):
            text = (f'<a href="{html.escape(url)}" target="_blank" rel="noopener">'
                    f"{text}</a>")
        parts.append(html.escape(before) + text + html.escape(after))
    if not parts:
        return ""
    # A paragraph at the end of the page's <main>, not a <footer>: the explorer's page
    # has Dash's, and a page has one contentinfo landmark.
    return f'<p class="credit-line">{", ".join(parts)}</p>'
