"""What the light embed and the static export send to the browser, built in Python.

The figures are made by `figure.build_figure`, the same code as the explorer's,
for the whole timeline; the browser only filters them (`engine/web/timeline-core.js`).
Only public columns go out: never `notes`, never a column outside the
contract. Descriptions and media travel separately, in chunks fetched when an
event is opened, so a big timeline's first paint does not wait for its text.
"""
from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.io

from timeline.data.markup import Link, is_web_address, split_links
from timeline.data.schema import CERTAINTIES, DEFAULT_LANGUAGE
from timeline.view.colours import dark_twins
from timeline.view.figure import (
    CERTAINTY_SYMBOLS,
    build_figure,
    category_colours,
    lane_categories,
)
from timeline.view.language import TEXT_LANGUAGE, date_label
from timeline.view.transforms import CATEGORY_LABEL, actor_names, category_values, lane_label
from timeline.view.view_state import ViewState

DETAIL_CHUNK = 500  # events per details file
# Up to this many events, the search text travels with the summaries; beyond,
# it is a file of its own, fetched after the first paint (descriptions are most
# of a big timeline's bytes).
INLINE_SEARCH_LIMIT = 1000



UNIX_DAY = pd.Timestamp("1970-01-01")


def day_numbers(column: pd.Series) -> list[int | None]:
    """Days since 1970-01-01 (negative before), None for no date."""
    days = (column - UNIX_DAY).dt.days
    return [None if pd.isna(day) else int(day) for day in days]


def coded(values: list) -> dict:
    """A column of repeated strings as its distinct values and each row's index
    into them: {"values": [...], "codes": [...]}."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    return {"values": [str(value) for value in uniques], "codes": codes.tolist()}


def summary_columns(events: pd.DataFrame, with_search: bool = True,
                    language: str = DEFAULT_LANGUAGE) -> dict:
    """What filtering, the list and the count need, column by column (the
    browser reads each column once; repeated strings travel once): no long text.
    Read back by the engine's `eventsFrom` (engine/web/timeline-engine.js)."""
    actors = coded([name for names in events["actors"] for name in names])
    lengths = [len(names) for names in events["actors"]]
    actor_codes, start = [], 0
    for length in lengths:
        actor_codes.append(actors["codes"][start:start + length])
        start += length
    columns = {
        "count": len(events),
        "id": list(events["id"]), "title": list(events["title"]),
        "date": coded(list(events["date_label"])),
        "start": day_numbers(events["start_at"]), "end": day_numbers(events["end_at"]),
        "ongoing": [int(bool(value)) for value in events["ongoing"]],
        "category": coded(list(events["category"])),
        "actors": {"values": actors["values"], "codes": actor_codes},
        "certainty": coded(list(events["certainty"])),
        "start_label": start_labels(events, language),
    }
    if TEXT_LANGUAGE in events.columns:  # per-language titles: each title's language
        columns["title_lang"] = coded(list(events[TEXT_LANGUAGE]))
    if with_search:
        columns["search"] = list(events["search_text"])
    return columns


def start_labels(events: pd.DataFrame, language: str = DEFAULT_LANGUAGE) -> dict:
    """When each event began, as a reader reads it ('c. 2019', 'September 2023'): a
    mark for several events names the first and the last by it (engine/web/
    timeline-engine.js, densityText), at the precision each has, never a day the
    data does not hold. Sent only for the events whose date label says more than
    their start (one that lasts, with no display_date of its own): any other's
    start reads as its date label. {"gaps": each such event's index less the
    previous one's (small numbers, which compress well), "values", "codes"}."""
    lasting = ((events["end_date"].notna() | events["ongoing"].astype(bool))
               & (events["display_date"] == "")).to_numpy()
    rows = np.flatnonzero(lasting)
    # Each distinct start worded once (a big timeline repeats its dates).
    codes, _ = pd.factorize(events["start"].to_numpy()[rows])
    _, first = np.unique(codes, return_index=True)
    worded = np.array([date_label(d, language)
                       for d in events["start_date"].to_numpy()[rows[first]]],
                      dtype=object)
    labels = worded[codes] if len(rows) else np.array([], dtype=object)
    differs = labels != events["date_label"].to_numpy()[rows]
    rows, labels = rows[differs], labels[differs]
    return {"gaps": np.diff(rows, prepend=0).tolist(), **coded(list(labels))}


def search_texts(events: pd.DataFrame) -> list[str]:
    """Each event's search text, in the summaries' order (for big timelines)."""
    return list(events["search_text"])


def rich_pieces(text: str) -> list[list[list[str]]]:
    """Paragraphs of ["text", …] and ["link", label, url] pieces; links already checked."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [[["link", piece.text, piece.url] if isinstance(piece, Link) else ["text", piece]
             for piece in split_links(paragraph)] for paragraph in paragraphs]


def detail_record(event) -> dict:
    record = {"description": rich_pieces(event.description), "source": event.source,
              # The dates as the file writes them, for the readers' CSV download
              # (engine/web/downloads.js): the summaries carry days, not their precision.
              "start": event.start}
    record |= {name: getattr(event, name) for name in ("end", "display_date")
               if getattr(event, name)}
    if is_web_address(event.source_url):
        record["source_url"] = event.source_url
    if is_web_address(event.media_url):
        record |= {"media_url": event.media_url, "media_caption": event.media_caption,
                   "media_credit": event.media_credit}
    return record


def detail_chunks(events: pd.DataFrame) -> list[dict[str, dict]]:
    """Details keyed by id, in chunks of DETAIL_CHUNK events in date order."""
    records = {e.id: detail_record(e) for e in events.itertuples()}
    ids = list(records)
    return [{i: records[i] for i in ids[start:start + DETAIL_CHUNK]}
            for start in range(0, len(ids), DETAIL_CHUNK)] or [{}]


def figure_json(events: pd.DataFrame, lanes: str, today: date,
                eras: pd.DataFrame | None,
                title_window: tuple[date, date] | None = None,
                language: str | None = None) -> dict:
    """The figure at the first window (`title_window`: the title row's, if set), its
    hover's words in `language`."""
    figure = build_figure(events, ViewState(lanes=lanes, language=language), today=today,
                          eras=eras,
                          title_window=title_window)
    return json.loads(plotly.io.to_json(figure, validate=False, engine="json"))


def payload(events: pd.DataFrame, *, version: str, title: str, subtitle: str,
            today: date, eras: pd.DataFrame | None = None, explorer_url: str = "",
            category_figure: dict | None = None,
            title_window: tuple[date, date] | None = None, story: bool = False,
            language: str = DEFAULT_LANGUAGE, downloads: bool = False) -> dict:
    """Everything the first paint needs; details are named by chunk, not included.
    `category_figure`: the figure by category, when the caller has built it already;
    `story`: the title row's `story` setting (the embed offers the story);
    `downloads`: its `downloads` setting (the embed offers the data and the picture)."""
    categories = lane_categories(events)
    colours = (category_values(events, "colour") if CATEGORY_LABEL in events
               else category_colours(categories))
    return {
        "version": version,
        "title": title,
        "subtitle": subtitle,
        "explorer_url": explorer_url,
        "story": story,
        "language": language,
        "downloads": downloads,
        "events": summary_columns(events, with_search=len(events) <= INLINE_SEARCH_LIMIT,
                                  language=language),
        "detail_chunk": DETAIL_CHUNK,
        "detail_chunks": max(1, math.ceil(len(events) / DETAIL_CHUNK)),
        "categories": categories,
        # What the legend and the filter call each (the declared label; the page's
        # language's already, view/language.py).
        "category_labels": {name: label for name, label in lane_label(events).items()
                            if name in colours and label != name},
        "colours": {name: colours[name] for name in categories},
        # The figures are in light colours; a dark page draws each one's twin.
        "dark_colours": dark_twins(colours[name] for name in categories),
        "certainties": [c for c in CERTAINTIES if c in set(events["certainty"])],
        "certainty_symbols": CERTAINTY_SYMBOLS,  # the legend's key to the marks' shapes
        "actors": actor_names(events),
        "figures": {"category": category_figure if category_figure is not None
                    else figure_json(events, "category", today, eras, title_window,
                                     language)},
    }


def actor_figure(events: pd.DataFrame, today: date, eras: pd.DataFrame | None,
                 title_window: tuple[date, date] | None = None,
                 language: str | None = None) -> dict:
    """Lanes by actor: fetched only when a reader switches to them."""
    return figure_json(events, "actor", today, eras, title_window, language)


def to_json_bytes(value) -> bytes:
    # `<` escaped: the JSON can never close a <script> element it is placed in.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace(
        "<", "\\u003c").encode("utf-8")
