"""What the light embed and the static export send: public, escaped, cacheable."""
from __future__ import annotations

import gzip
import itertools
import json
import re
from datetime import date, timedelta

import brotli
import pandas as pd

from support import BUNDLED_CSV, DATA, csv_bytes, filter_cases
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data.synth import synthetic_csv
from timeline.data_store import snapshot_of
from timeline.embed.static_export import export_static
from timeline.view.colours import PALETTE
from timeline.view.language import localised_events
from timeline.view.payload import DETAIL_CHUNK, detail_chunks, payload, rich_pieces, to_json_bytes

TODAY = date(2026, 11, 26)
HOSTILE = '</script><script>window.__xss=1</script>'


def snapshot(rows=None, extra_column: bool = False):
    rows = rows or [{**e, "notes": f"PRIVATE NOTE {e['id']}"} for e in filter_cases()["events"]]
    data = csv_bytes(rows)
    if extra_column:
        lines = data.decode().splitlines()
        data = "\n".join([lines[0] + ",desk_contact"] +
                         [line + ",SECRET PHONE 555" for line in lines[1:]]).encode()
    return snapshot_of(data, "events.csv")


def test_only_public_columns_go_out():
    data = snapshot(extra_column=True)
    sent = to_json_bytes(payload(data.events, version=data.version, title="T", subtitle="",
                                 today=TODAY))
    sent += b"".join(to_json_bytes(chunk) for chunk in detail_chunks(data.events))
    assert b"PRIVATE NOTE" not in sent and b"SECRET PHONE" not in sent
    assert b'"notes"' not in sent and b"desk_contact" not in sent


def test_two_timelines_send_their_own_categories_labels_and_colours():
    """Each timeline's category rows decide its lanes, legend and filter (issue 18)."""
    sent = {}
    for name in ("courts", "harbour"):
        data = snapshot_of((DATA / "timelines" / f"{name}.csv").read_bytes(), f"{name}.csv")
        sent[name] = payload(localised_events(data.events, "ko"), version="v", title="T",
                             subtitle="", today=TODAY, language="ko")
    courts, harbour = sent["courts"], sent["harbour"]
    assert courts["categories"] == ["hearings", "rulings", "appeals"]
    assert courts["colours"] == {"hearings": "#1b6ca8", "rulings": "#b0412e",
                                 "appeals": "#2f2a24"}
    assert courts["category_labels"] == {"hearings": "Hearings", "rulings": "Rulings",
                                         "appeals": "Appeals"}
    assert harbour["categories"] == ["ferries", "cargo", "storms", "works"]
    # A category declared without a colour takes the palette's first free one.
    assert harbour["colours"]["works"] == PALETTE[0]
    # Korean labels where the file writes them, else the base ones.
    assert harbour["category_labels"] == {"ferries": "여객선", "cargo": "Cargo",
                                          "storms": "폭풍", "works": "Works"}
    # A dark page has a twin for every declared colour (a lighter one of its hue).
    for colour in [*courts["colours"].values(), *harbour["colours"].values()]:
        assert courts["dark_colours"].get(colour) or harbour["dark_colours"].get(colour)
    assert harbour["dark_colours"]["#00695c"] != "#00695c"
    lanes = [lane[0] for lane in harbour["figures"]["category"]["layout"]["meta"]["lanes"]]
    assert lanes == ["ferries", "cargo", "storms", "works"]
    assert harbour["figures"]["category"]["layout"]["yaxis"]["ticktext"][0] == "여객선"


def test_json_cannot_close_a_script_element():
    assert b"<" not in to_json_bytes({"title": HOSTILE})
    assert json.loads(to_json_bytes({"title": HOSTILE})) == {"title": HOSTILE}


def test_descriptions_travel_as_text_and_checked_links():
    assert rich_pieces("See [KCNA](https://kcna.kp) and [x](javascript:alert(1)).\n\nNext") == [
        [["text", "See "], ["link", "KCNA", "https://kcna.kp"],
         ["text", " and [x](javascript:alert(1))."]],
        [["text", "Next"]]]


def test_details_come_in_chunks_in_date_order():
    data = snapshot_of(synthetic_csv(DETAIL_CHUNK + 5, seed=3), "synth.csv")
    chunks = detail_chunks(data.events)
    assert [len(c) for c in chunks] == [DETAIL_CHUNK, 5]
    assert list(chunks[0])[:3] == list(data.events["id"])[:3]


def test_big_timelines_send_search_text_separately_and_fewer_marks():
    small = snapshot()
    assert "search" in payload(small.events, version="v", title="T", subtitle="",
                               today=TODAY)["events"]
    big = snapshot_of(synthetic_csv(10_000, seed=1), "s.csv")
    sent = payload(big.events, version="v", title="T", subtitle="", today=TODAY)
    assert "search" not in sent["events"]
    marks = [point for trace in sent["figures"]["category"]["data"]
             if trace["mode"] != "lines" for point in trace["customdata"]]
    # Crowded marks are drawn as one that names the rest: fewer points, every event kept.
    assert len(marks) < 4000
    named = {i for point in marks for i in (point[3] if len(point) > 3 else [point[0]])}
    assert named == set(big.events["id"])


def test_the_app_serves_versioned_cacheable_files(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(csv_bytes(filter_cases()["events"]))
    client = create_app(Config(data_path=path)).server.test_client()
    page = client.get("/embed").text
    events_url = re.search(r'data-events="([^"]+)"', page)[1]
    assert events_url.endswith(f"{snapshot_of(path.read_bytes(), 'x').version}.json")
    response = client.get(events_url)
    assert "immutable" in response.headers["Cache-Control"]
    assert response.json["events"]["count"] == len(filter_cases()["events"])
    stale = client.get("/embed/data/0000000000000000.json")
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    for script in re.findall(r'<script src="([^"]+)"', page):
        answer = client.get(script)
        assert answer.status_code == 200 and "immutable" in answer.headers["Cache-Control"]
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/embed/details/x/99.json").status_code == 404


def test_the_static_export_has_every_file_its_page_names(tmp_path):
    data = snapshot()
    summary = export_static(data, tmp_path, Config(), TODAY, explorer_url="https://x.example/")
    page = (tmp_path / "index.html").read_text("utf-8")
    # Every address; not the ids of events the chart's picture marks (data-event), nor
    # the picture's references to its own shapes (href="#tl-square-6").
    names = re.findall(r'(?:src|href|data-(?!event=)[a-z-]+)="([^"]+)"', page)
    local = [n.replace("{chunk}", "0") for n in names
             if not n.startswith(("http", "data:", "#"))]
    assert local and all((tmp_path / name).is_file() for name in local), local
    for name in local:
        body = (tmp_path / name).read_bytes()
        assert brotli.decompress((tmp_path / f"{name}.br").read_bytes()) == body
        assert gzip.decompress((tmp_path / f"{name}.gz").read_bytes()) == body
    everything = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.suffix != ".br"
                          and p.suffix != ".gz")
    assert b"PRIVATE NOTE" not in everything
    assert summary.page_bytes_brotli < 450_000


def test_the_bundled_timeline_exports_under_its_budget(tmp_path):
    data = snapshot_of(BUNDLED_CSV, "events.csv")
    assert export_static(data, tmp_path, Config(), TODAY).page_bytes_brotli < 450_000


def test_the_events_travel_as_columns_that_read_back_to_every_event():
    """Columns (repeated strings once, dates as day numbers) decode, as the engine's
    eventsFrom decodes them, to each event's public summary."""
    data = snapshot()
    columns = payload(data.events, version="v", title="T", subtitle="", today=TODAY)["events"]

    def day(number):
        return None if number is None else (date(1970, 1, 1) + timedelta(days=number)).isoformat()

    def decoded(column, index):
        return column["values"][column["codes"][index]]
    read_back = [{
        "id": columns["id"][i], "title": columns["title"][i], "date": decoded(columns["date"], i),
        "start": day(columns["start"][i]), "end": day(columns["end"][i]),
        "ongoing": columns["ongoing"][i] == 1, "category": decoded(columns["category"], i),
        "actors": [columns["actors"]["values"][c] for c in columns["actors"]["codes"][i]],
        "certainty": decoded(columns["certainty"], i), "search": columns["search"][i],
    } for i in range(columns["count"])]
    events = data.events
    assert read_back == [{
        "id": e.id, "title": e.title, "date": e.date_label,
        "start": e.start_at.date().isoformat(),
        "end": None if pd.isna(e.end_at) else e.end_at.date().isoformat(),
        "ongoing": bool(e.ongoing), "category": e.category, "actors": list(e.actors),
        "certainty": e.certainty, "search": e.search_text,
    } for e in events.itertuples()]
    assert len(columns["category"]["values"]) == events["category"].nunique()
    assert any(e.ongoing for e in events.itertuples()) and any(not pd.isna(e.end_at)
                                                               for e in events.itertuples())


def test_an_event_that_lasts_sends_its_starts_own_label_at_its_precision():
    """A mark for several events names the first's and the last's starts (the engine's
    densityText): an event that lasts has a date label that says more, so its start's
    label travels too, never a day the data does not hold; display_date wins."""
    def row(event_id, start, end="", display=""):
        return {"id": event_id, "start": start, "end": end, "display_date": display,
                "title": event_id, "actors": "A", "category": "diplomacy"}
    data = snapshot([row("year", "2019"), row("month-span", "2019-09", "2020"),
                     row("rough-span", "2019~", "2021"), row("since", "2022-03?", ".."),
                     row("worded", "2018", "2019", "mid-2018 to 2019"),
                     row("same", "2023", "2023"), row("days", "2024-01-02", "2024-01-05")])
    columns = payload(data.events, version="v", title="T", subtitle="", today=TODAY)["events"]
    labels = columns["start_label"]
    indices = itertools.accumulate(labels["gaps"])  # as the engine's prepare reads them
    sent = {columns["id"][i]: labels["values"][code] for i, code in zip(indices, labels["codes"])}
    assert sent == {"month-span": "September 2019", "rough-span": "c. 2019",
                    "since": "March 2022 (date uncertain)", "days": "2 January 2024"}
    # The others' starts read as their date labels.
    dates = dict(zip(columns["id"], (columns["date"]["values"][c]
                                     for c in columns["date"]["codes"])))
    assert (dates["year"], dates["worded"], dates["same"]) == ("2019", "mid-2018 to 2019", "2023")
