"""The index of a newsroom's timelines, `/t/`: each one's title, standfirst, event
count, span and last change, with links to explore, embed and edit it.

Searchable twice over: the form asks the server (`?q=`), which works in any
browser and in the static export's absence of one is replaced by
`web/index-search.js`, which filters the list as the reader types. Every word
comes from the timelines' files and is written as text, never as markup.
"""
from __future__ import annotations

import functools
import html
import json
import unicodedata
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Callable, Iterable

from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.engine.static_files import StaticFile, static_files
from timeline.folder.catalogue import TimelineEntry
from timeline.view.language import Messages, messages_for, plural_categories, short_day

SEARCH_SCRIPT = Path(__file__).resolve().parent / "web" / "index-search.js"
# The site's own pages' files, served like every page's (engine/static_files.py).
FOLDER_FILES = {"search_url": SEARCH_SCRIPT}


@functools.cache
def search_script_file() -> StaticFile:
    return static_files(FOLDER_FILES)["search_url"]


@dataclass(frozen=True)
class EntryLinks:
    explore: str
    embed: str = ""  # none in the static export: its page is the embed
    edit: str = ""   # none in the static export: it has no editor


def folded(text: str) -> str:
    """Text as search compares it: case and accents left out ('Séoul' finds 'seoul')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(entry: TimelineEntry, query: str) -> bool:
    """Whether every word of `query` is in the entry's title, standfirst or address."""
    haystack = folded(" ".join((entry.title, entry.standfirst, entry.slug)))
    return all(word in haystack for word in folded(query).split())


def searched(entries: Iterable[TimelineEntry], query: str) -> list[TimelineEntry]:
    return [entry for entry in entries if matches(entry, query)]


def count_words(entry: TimelineEntry, say: Messages | None = None) -> str:
    say = say or messages_for(DEFAULT_LANGUAGE)
    return say.ngettext("{count} event", "{count} events", entry.events)


def shown_words(count: int, query: str, say: Messages) -> str:
    """'3 timelines', or '1 timeline matching “harbour”', in the page's language."""
    if query:
        return say.ngettext("{count} timeline matching “{words}”",
                            "{count} timelines matching “{words}”", count, words=query)
    return say.ngettext("{count} timeline", "{count} timelines", count)


def plural_forms(say: Messages) -> str:
    """The count line's forms by CLDR's plural category, as JSON for index-search.js,
    which picks one with the browser's Intl.PluralRules."""
    categories = plural_categories(say)
    forms = {}
    for key, singular, plural in (
            ("count", "{count} timeline", "{count} timelines"),
            ("matching", "{count} timeline matching “{words}”",
             "{count} timelines matching “{words}”")):
        found = say.translations.get(singular)
        texts = found if isinstance(found, tuple) and all(found) else (singular, plural)
        forms[key] = (dict(zip(categories, texts)) if len(texts) == len(categories)
                      else {"one": texts[0], "other": texts[-1]})
    return json.dumps(forms, ensure_ascii=False)


def index_html(entries: list[TimelineEntry], *, query: str, links: Callable[
        [TimelineEntry], EntryLinks], zone: tzinfo, search_script: str = "",
        language: str = DEFAULT_LANGUAGE) -> str:
    """The page listing `entries` (already chosen for who asks and searched by
    `query`) in `language`'s words. `search_script`: the address of index-search.js,
    or '' for none."""
    say = messages_for(language)
    items = "\n".join(_item(entry, links(entry), zone, say) for entry in entries)
    if query and not entries:
        empty = (f'<p class="none">{html.escape(say.gettext("No timeline matches."))} '
                 f'<a href="?">{html.escape(say.gettext("Show them all"))}</a></p>')
    elif not entries:
        empty = f'<p class="none">{html.escape(say.gettext("No timelines yet."))}</p>'
    else:
        empty = ""
    script = (f'<script src="{html.escape(search_script)}" defer></script>'
              if search_script else "")
    return INDEX_PAGE.format(
        language=say.language, title=html.escape(say.gettext("Timelines")),
        search_label=html.escape(say.gettext("Search the timelines")),
        search_button=html.escape(say.gettext("Search")), query=html.escape(query),
        shown=html.escape(shown_words(len(entries), query, say)),
        forms=html.escape(plural_forms(say)), items=items, empty=empty, script=script)


def notice_html(title: str, message: str, index_url: str,
                language: str = DEFAULT_LANGUAGE) -> str:
    """A short page saying why there is nothing here (`title` and `message` already in
    `language`), with the way to the index."""
    say = messages_for(language)
    return NOTICE_PAGE.format(language=say.language, title=html.escape(title),
                              message=html.escape(message), index=html.escape(index_url),
                              see_all=html.escape(say.gettext("See all timelines")))


def _item(entry: TimelineEntry, links: EntryLinks, zone: tzinfo, say: Messages) -> str:
    day = (f'<time datetime="{entry.changed.isoformat()}">'
           f'{html.escape(short_day(entry.changed.astimezone(zone).date(), say.language))}'
           f'</time>')
    facts = [html.escape(count_words(entry, say)), *([entry.span] if entry.span else []),
             html.escape(say.gettext("changed {day}")).replace("{day}", day)]
    draft = (f' <span class="draft">{html.escape(say.gettext("draft"))}</span>'
             if entry.status == "draft" else "")
    hidden = f'<span class="hidden"> {html.escape(entry.title)}</span>'
    embed = (f' <a href="{html.escape(links.embed)}">{html.escape(say.gettext("Embed"))}'
             f'{hidden}</a>' if links.embed else "")
    edit = (f' <a href="{html.escape(links.edit)}">{html.escape(say.gettext("Edit"))}'
            f'{hidden}</a>' if links.edit else "")
    search_text = html.escape(folded(" ".join((entry.title, entry.standfirst, entry.slug))))
    return (f'<li data-search="{search_text}"><h2><a href="{html.escape(links.explore)}">'
            f'{html.escape(entry.title)}</a>{draft}</h2>'
            + (f'<p class="standfirst">{html.escape(entry.standfirst)}</p>'
               if entry.standfirst else "")
            + f'<p class="facts">{" · ".join(facts)}</p>'
            f'<p class="links"><a href="{html.escape(links.explore)}">'
            f'{html.escape(say.gettext("Explore"))}{hidden}</a>{embed}{edit}</p></li>')


NOTICE_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem}}a{{color:#0b57b0}}
@media (prefers-color-scheme:dark){{body{{background:#16181c;color:#e8e8e6}}
a{{color:#84b8ff}}}}</style>
</head><body><main><h1>{title}</h1><p>{message}</p>
<p><a href="{index}">{see_all}</a></p></main></body></html>
"""

INDEX_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;background:#fff}}
a{{color:#0b57b0}}h1{{font-size:1.6rem;margin:0 0 .5rem}}
form{{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:1rem 0}}
label{{display:block;font-weight:600}}input,button{{font:inherit;padding:.4rem .6rem}}
input{{min-width:0;width:100%;box-sizing:border-box}}.field{{flex:1 1 12rem}}
ul{{list-style:none;padding:0;margin:0}}li{{border-top:1px solid #ccc;padding:.75rem 0}}
li h2{{font-size:1.15rem;margin:0}}li p{{margin:.2rem 0}}
.standfirst{{color:#333}}.facts{{color:#555;font-size:.9rem}}
.links a{{margin-right:1rem;display:inline-block;padding:.2rem 0}}
.draft{{font-size:.8rem;font-weight:600;border:1px solid currentColor;border-radius:.2rem;
padding:0 .3rem;color:#8a4b00;margin-left:.4rem;vertical-align:middle}}
.hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}}
.note{{color:#333}}
@media (prefers-color-scheme:dark){{body{{background:#16181c;color:#e8e8e6}}
a{{color:#84b8ff}}.standfirst,.note{{color:#d0d2d6}}.facts{{color:#b4b8be}}
li{{border-color:#444}}.draft{{color:#ffc27a}}}}
</style>
</head><body><main>
<h1>{title}</h1>
<form method="get" role="search" id="timeline-search">
<div class="field"><label for="q">{search_label}</label>
<input type="search" id="q" name="q" value="{query}" autocomplete="off"></div>
<button type="submit">{search_button}</button>
</form>
<p id="shown" role="status" data-forms="{forms}">{shown}</p>
<ul id="timelines">
{items}
</ul>
{empty}
</main>
{script}
</body></html>
"""
