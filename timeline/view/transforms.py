"""Pure transforms of the prepared events for a view: filter, order, step.

The filter rule is deliberately one small predicate, defined here and pinned
by the table of cases in `tests/data/filter_cases.json`; any second
implementation (the browser's) is checked against the same table.

An event matches a view when ALL of these hold:
- actors: none chosen, or the event has at least one chosen actor;
- categories: none chosen, or the event's category is chosen;
- certainties: none chosen, or the event's certainty is chosen;
- from: none set, or the event's span ends on or after it (ongoing events never end);
- to: none set, or the event's span starts on or before it;
- query: every word of it occurs in the event's title, description or actors.
Names and words compare case-, accent- and spacing-insensitively
(`timeline.data.text_folding.normalise_text` says exactly how).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from timeline.data.loading import category_label_column
from timeline.data.markup import plain_text
from timeline.data.schema import LANGUAGES, language_column
from timeline.data.text_folding import normalise_text, normalise_texts
from timeline.view.colours import category_colours
from timeline.view.view_state import ViewState

# Each prepared event's category label (in a language: `category_label_<language>`,
# which view/language.py's localised_events swaps in).
CATEGORY_LABEL = "category_label"

# Columns of a few values repeated on every row, kept as pandas categories: a
# small code per row instead of a string object each (a 100,000-event file's
# rows each had their own copy of its category's name).
REPEATED_COLUMNS = ("category", "certainty", "type", "source", "category_key",
                    "certainty_key", "colour", CATEGORY_LABEL)


def prepare_events(events: pd.DataFrame, categories: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """Add what filtering needs, computed once per load rather than per view.
    `categories`: the file's declared ones (LoadResult.categories), whose order,
    colours and labels the lanes, legend and filter take; without them, the
    events' categories by name, in the default palette."""
    prepared = events.copy()
    # Title, description as read and actors, joined by spaces (folding makes any run
    # of them one): added up column by column, not row by row.
    descriptions = np.array([text if "](" not in text else plain_text(text)
                             for text in prepared["description"].to_numpy()], dtype=object)
    actors = np.array([" ".join(names) for names in prepared["actors"].to_numpy()], dtype=object)
    texts = prepared["title"].to_numpy(dtype=object) + " " + descriptions + " " + actors
    # A reader finds an event by its words in any of the timeline's languages.
    for column in language_columns(prepared, ("title", "description")):
        texts = texts + " " + np.array([text if "](" not in text else plain_text(text)
                                        for text in prepared[column].to_numpy()], dtype=object)
    prepared["search_text"] = normalise_texts(texts.tolist())
    for column in REPEATED_COLUMNS[1:4]:
        prepared[column] = prepared[column].astype("category")
    declared = categories if categories is not None and len(categories) else None
    colours = category_colours(prepared["category"].unique().tolist(), None if declared is None
                               else dict(zip(declared["name"], declared["colour"])))
    # The category's codes in the lanes' order, so every view (filtered or not) keeps it.
    prepared["category"] = pd.Categorical(prepared["category"], categories=list(colours))
    # Worked out once per distinct value, not per row.
    prepared["category_key"] = prepared["category"].map(normalise_text).astype("category")
    prepared["certainty_key"] = prepared["certainty"].map(normalise_text).astype("category")
    prepared["colour"] = prepared["category"].map(colours).astype("category")
    for language, labels in category_labels(declared).items():
        column = CATEGORY_LABEL if language is None else language_column(CATEGORY_LABEL,
                                                                          language)
        prepared[column] = prepared["category"].map(
            lambda name, labels=labels: labels.get(name, name)).astype("category")
    return order_events(prepared)


def category_labels(declared: pd.DataFrame | None) -> dict[str | None, dict[str, str]]:
    """The declared categories' labels: the base ones (None), and each language's
    the file writes (its own where written, else the base label)."""
    if declared is None:
        return {None: {}}
    base = dict(zip(declared["name"], declared["label"]))
    found: dict[str | None, dict[str, str]] = {None: base}
    for language in LANGUAGES:
        if (column := category_label_column(language)) in declared.columns:
            found[language] = {name: own or base[name]
                               for name, own in zip(declared["name"], declared[column])}
    return found


def lane_label(events: pd.DataFrame) -> dict[str, str]:
    """Each category of the prepared events → its label (its name when it has none)."""
    if CATEGORY_LABEL not in events.columns:
        return {}
    return category_values(events, CATEGORY_LABEL)


def category_values(events: pd.DataFrame, column: str) -> dict[str, str]:
    """Each category present → its value in `column` (one per category, as the
    colour and the label are): worked out over the distinct pairs, not every row."""
    pairs = events[["category", column]].drop_duplicates()
    return dict(zip(pairs["category"].astype(object), pairs[column].astype(object)))


def language_columns(events: pd.DataFrame, columns: tuple[str, ...]) -> list[str]:
    """The per-language columns (schema.LANGUAGE_COLUMNS) of `columns` that `events` has."""
    return [language_column(column, language) for column in columns
            for language in LANGUAGES if language_column(column, language) in events.columns]


def order_events(events: pd.DataFrame) -> pd.DataFrame:
    """Date order: by start, then end (ongoing last), then the file's order."""
    return events.sort_values(["start_at", "end_at", "line"], na_position="last",
                              kind="stable").reset_index(drop=True)


def filter_events(events: pd.DataFrame, view: ViewState) -> pd.DataFrame:
    """The prepared events that match `view`, in date order."""
    mask = pd.Series(True, index=events.index)
    if view.actors:
        mask &= has_an_actor(events["actors"], {normalise_text(a) for a in view.actors})
    if view.categories:
        mask &= events["category_key"].isin({normalise_text(c) for c in view.categories})
    if view.certainties:
        mask &= events["certainty_key"].isin({normalise_text(c) for c in view.certainties})
    if view.date_from:
        mask &= events["ongoing"] | (events["end_at"] >= pd.Timestamp(view.date_from))
    if view.date_to:
        mask &= events["start_at"] <= pd.Timestamp(view.date_to)
    for word in normalise_text(view.query).split():
        mask &= events["search_text"].str.contains(word, regex=False)
    return events[mask]


def has_an_actor(actors: pd.Series, chosen: set[str]) -> pd.Series:
    """Whether each event's actors include one of `chosen` (folded names): each
    distinct name folded once, no set of names kept per event."""
    names = actors.explode()  # one row per event and actor; NaN for an event with none
    hits = {name for name in names.dropna().unique() if normalise_text(name) in chosen}
    found = names.isin(hits)
    return found.groupby(level=0).any().reindex(actors.index, fill_value=False)


def find_event(events: pd.DataFrame, event_id: str | None) -> pd.Series | None:
    if not event_id:
        return None
    found = events[events["id"] == event_id]
    return None if found.empty else found.iloc[0]


def neighbours(events: pd.DataFrame, event_id: str | None) -> tuple[str | None, str | None]:
    """The previous and next event ids in date order around `event_id`.

    With nothing selected (or the selection filtered out), 'next' starts at the
    first event and 'previous' at the last, so stepping always goes somewhere.
    """
    ids = list(events["id"])
    if not ids:
        return None, None
    if event_id not in ids:
        return ids[-1], ids[0]
    position = ids.index(event_id)
    previous = ids[position - 1] if position > 0 else None
    following = ids[position + 1] if position + 1 < len(ids) else None
    return previous, following


def actor_names(events: pd.DataFrame) -> list[str]:
    """Every actor, most frequent first, for the actor filter's options."""
    counts = Counter(a for actors in events["actors"] for a in actors)
    return sorted(counts, key=lambda actor: (-counts[actor], actor))
