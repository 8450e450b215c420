"""Synthetic timelines for benchmarks and load tests: any size, same every time.

`python -m timeline synth --n 10000 --seed 1` writes a valid events CSV whose
shape resembles a real one: a few dozen actors, every category and certainty,
points and spans, approximate dates, descriptions of realistic length.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from timeline import schema
from timeline.csv_writing import serialise_rows

ACTORS = ("Kim Jong-un", "Vladimir Putin", "Sergei Shoigu", "Kim Yo-jong", "Sergei Lavrov",
          "Choe Son-hui", "UN Security Council", "United States", "South Korea", "China",
          "Japan", "Ukraine", "KCNA", "Kremlin", "Russian Railways", "Rosatom", "Wagner",
          "Kim Tok-hun", "Dmitry Peskov", "Alexander Kozlov")
WORDS = ("talks", "delegation", "visit", "shipment", "treaty", "sanctions", "summit", "rail",
         "artillery", "tourism", "exports", "statement", "missile", "embassy", "port", "grain",
         "labour", "satellite", "exercise", "aid")
FIRST_DAY = date(1990, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def synthetic_rows(count: int, seed: int) -> list[dict[str, str]]:
    chance = random.Random(seed)
    rows = []
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
            "category": chance.choice(tuple(schema.CATEGORIES)),
            "certainty": chance.choice(tuple(schema.CERTAINTIES)),
            "source": chance.choice(("KCNA", "TASS", "Reuters", "Yonhap", "NK News")),
        })
    return rows


def synthetic_csv(count: int, seed: int = 1) -> bytes:
    return serialise_rows(schema.COLUMN_NAMES, synthetic_rows(count, seed))
