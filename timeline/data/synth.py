"""Synthetic timelines for benchmarks and load tests: any size, same every time.

`python -m timeline synth --n 10000 --seed 1` writes a valid events CSV whose
shape resembles a real one: its own categories declared by category rows, a few
dozen actors, every category and certainty, points and spans, approximate dates,
descriptions of realistic length. The story is a made-up city's.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from timeline.data import schema
from timeline.data.csv_writing import serialise_rows

ACTORS = ("City Council", "Mayor Ada Lind", "Planning Board", "Harbour Authority",
          "Transit Union", "Riverside Residents", "State Court", "Chamber of Commerce",
          "Water Company", "Parks Department", "Teachers' Union", "Police Commissioner",
          "Auditor General", "Local Gazette", "University", "Fire Service", "Bo Hart",
          "Cyd Moreno", "Dee Okafor", "Eli Varga")
WORDS = ("vote", "hearing", "budget", "bridge", "ferry", "strike", "ruling", "permit",
         "tender", "audit", "housing", "zoning", "protest", "report", "station", "school",
         "levy", "repairs", "inquiry", "plan")
SOURCES = ("Council minutes", "Local Gazette", "Court records", "City Radio", "Press release")
# The timeline's own categories: name → (label, colour, description), declared by
# category rows at the top of the file.
CATEGORIES = {
    "council": ("Council", "#3b2ba9", "votes, meetings and motions of the council"),
    "courts": ("Courts", "#9e8773", "cases, rulings and appeals"),
    "transport": ("Transport", "#2d6101", "roads, bridges, ferries and buses"),
    "housing": ("Housing", "#a82e59", "permits, rents and building"),
    "budget": ("Budget", "#c37827", "taxes, spending and audits"),
    "protests": ("Protests", "#6a8495", "strikes, marches and petitions"),
    "schools": ("Schools", "#432d1f", "schools, teachers and pupils"),
}
FIRST_DAY = date(1990, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def category_rows() -> list[dict[str, str]]:
    return [{"type": "category", "category": name, "title": label, "colour": colour,
             "description": description}
            for name, (label, colour, description) in CATEGORIES.items()]


def synthetic_rows(count: int, seed: int) -> list[dict[str, str]]:
    """The category rows, then `count` events."""
    chance = random.Random(seed)
    rows = category_rows()
    for number in range(1, count + 1):
        day = FIRST_DAY + timedelta(days=chance.randrange(SPAN_DAYS))
        start = day.isoformat() if chance.random() < 0.8 else day.strftime("%Y-%m")
        if chance.random() < 0.1:
            start += schema.APPROXIMATE_MARK
        end = ""
        if chance.random() < 0.15:
            end = (day + timedelta(days=chance.randrange(1, 900))).isoformat()
        words = chance.sample(WORDS, 3)
        actors = chance.sample(ACTORS, chance.choice((1, 1, 2, 3)))
        rows.append({
            "id": f"event-{number:06d}",
            "start": start,
            "end": end,
            "title": f"{' '.join(words).capitalize()} #{number}",
            "description": " ".join(chance.choice(WORDS) for _ in range(chance.randrange(20, 60)))
                           .capitalize() + ".",
            "actors": f"{schema.ACTOR_SEPARATOR} ".join(actors),
            "category": chance.choice(tuple(CATEGORIES)),
            "certainty": chance.choice(tuple(schema.CERTAINTIES)),
            "source": chance.choice(SOURCES),
        })
    return rows


def synthetic_csv(count: int, seed: int = 1) -> bytes:
    return serialise_rows(schema.COLUMN_NAMES, synthetic_rows(count, seed))


# Ordinary-looking files that once took far longer to check than their size
# suggests (issue 12): each is about 1 MB at the count given.
def _own_categories(number: int, chance: random.Random) -> dict[str, str]:
    """Tiny rows, each of a category of its own (no category rows: taken as written)."""
    return {"id": f"e{number}", "start": "2020", "title": f"t{number}", "actors": "A",
            "category": f"c{number}", "source": "s"}


def _near_duplicate_actors(number: int, chance: random.Random) -> dict[str, str]:
    """Each actor written three ways (as is, lower case, doubled space): a spelling
    warning on two rows in three."""
    name = f"Actor Number {number // 3}"
    written = (name, name.lower(), name.replace(" ", "  "))[number % 3]
    return {"id": f"event-{number}", "start": "2020-01-02", "title": f"Title {number}",
            "actors": f"{written}; Person {chance.randrange(50)}", "category": "council",
            "source": "Radio"}


_CROWD = tuple(f"Actor {number}" for number in range(200))


def _many_actors(number: int, chance: random.Random) -> dict[str, str]:
    """Fifty actors on every row, a different fifty each time."""
    return {"id": f"event-{number}", "start": "2020-01-02", "title": f"Title {number}",
            "actors": f"{schema.ACTOR_SEPARATOR} ".join(chance.sample(_CROWD, 50)),
            "category": "courts", "source": "Radio"}


def _no_sources(number: int, chance: random.Random) -> dict[str, str]:
    """Tiny rows, none with a source: a warning on every row."""
    return {"id": f"e{number}", "start": "2020", "title": f"t{number}", "actors": "A",
            "category": "courts"}


AWKWARD = {  # kind → (one row, rows in about 1 MB)
    "own-categories": (_own_categories, 25_000),
    "no-sources": (_no_sources, 25_000),
    "near-duplicate-actors": (_near_duplicate_actors, 14_000),
    "many-actors": (_many_actors, 1_700),
}


def awkward_csv(kind: str, count: int | None = None, seed: int = 1) -> bytes:
    """One of the AWKWARD files, of `count` rows (about 1 MB by default)."""
    row, about_a_megabyte = AWKWARD[kind]
    chance = random.Random(seed)
    rows = [row(number, chance) for number in range(1, (count or about_a_megabyte) + 1)]
    return serialise_rows(schema.COLUMN_NAMES, rows)
