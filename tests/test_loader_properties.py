"""Properties of the loader over generated files (Hypothesis): whatever the bytes,
`load_events_from_bytes` returns, and what it returns is either a usable dataset
or a report whose every problem points at a line of the file.

Deterministic (`derandomize=True`, no example database), so CI runs the same
cases every time. Hypothesis also draws strings it finds in the package's own
source (column names, messages), so every `timeline` module is imported first:
the cases then depend on the code, not on which tests ran before. The number of
cases run, and a digest of their inputs, are printed in pytest's summary
("loader properties: N generated cases …") and kept in pytest's cache under
`loader_properties/cases`.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import importlib
import io
import os
import pkgutil
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import timeline
from timeline.data import schema, timelinejs
from timeline.data.loading import EVENT_COLUMNS, LoadResult, load_events_from_bytes

for _module in pkgutil.walk_packages(timeline.__path__, "timeline."):
    importlib.import_module(_module.name)

ROOT = Path(__file__).resolve().parent.parent
CASES: Counter = Counter()
INPUTS = hashlib.sha256()  # every input, in order: the same digest means the same cases
BUG = "This is a bug in the timeline tool"


def deterministic(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


class CaseCount:
    """Prints how many generated cases ran, at the end of the session."""

    def pytest_terminal_summary(self, terminalreporter):
        if CASES:
            details = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
            terminalreporter.write_line(
                f"loader properties: {sum(CASES.values())} generated cases ({details}); "
                f"inputs digest {INPUTS.hexdigest()[:16]}")


@pytest.fixture(scope="module", autouse=True)
def count_cases(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("loader-properties-count"):
        manager.register(CaseCount(), "loader-properties-count")
    yield
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        cache.set("loader_properties/cases", {**CASES, "total": sum(CASES.values()),
                                              "digest": INPUTS.hexdigest()[:16]})


# ------------------------------------------------------------------ what must hold

def decoded(data: bytes, encoding: str | None) -> str | None:
    """The text as the loader read it (its `encoding` says how)."""
    if encoding is None:
        return None
    return data.decode({"utf-8": "utf-8-sig"}.get(encoding, encoding))


def line_count(text: str) -> int:
    """Lines as a text editor numbers them: breaks are \\n, \\r\\n or a lone \\r."""
    lines = re.split(r"\r\n|\r|\n", text)
    return len(lines) - 1 if len(lines) > 1 and lines[-1] == "" else len(lines)


def check(data: bytes, kind: str) -> LoadResult:
    CASES[kind] += 1
    INPUTS.update(len(data).to_bytes(8, "big") + data)
    result = load_events_from_bytes(data, "generated.csv")  # raising fails the test
    assert isinstance(result, LoadResult)
    report = result.report
    assert not any(BUG in p.message for p in report.problems), report.format_lines("x")
    assert tuple(result.events.columns) == EVENT_COLUMNS
    assert len(result.events) <= report.rows
    for line in report.format_lines("generated.csv"):  # one line per problem, always
        assert "\n" not in line and "\r" not in line
    text = decoded(data, result.encoding)
    if text is None:  # refused as a whole: nothing can point inside the file
        assert not report.ok and result.events.empty
        assert all(p.line is None for p in report.problems), report.format_lines("x")
        return result
    lines = line_count(text)
    for problem in report.problems:
        if problem.line is None or problem.line == 1:
            continue  # the file, or its header
        assert 2 <= problem.line <= lines, (problem, lines)
    events = result.events
    assert events["line"].between(2, lines).all()
    assert events["id"].map(bool).all() and events["id"].is_unique
    assert events["title"].map(bool).all() and events["start_at"].notna().all()
    if report.ok:
        assert not report.errors
    else:
        assert report.errors and all(p.message for p in report.errors)
    return result


# ------------------------------------------------------------------ values

ODD_VALUES = [
    "", " ", "\t", "  padded  ", "\x07\x08\x1b[31mred", "\x7f\x85\x9f", "\x0b\x0c\x1c",
    "\u200b", "\ufeff", "\u00a0", "\u2028", "\u202e", "\u202bשלום\u202c", "مرحبا بالعالم",
    "김정은", "Владимир Путин", "Сosmodrome", "😀", "🇰🇵🇷🇺", "👩‍👩‍👧", "e\u0301",
    "..", "~", "?", "~?", "2023~", "2023?", "2023-09~?", "-2023", "-0044", "0000", "0001",
    "9999-12-31", "10000", "99999999999999999999", "2023-02-29", "2024-02-29", "2023-13-01",
    "2023-00", "2023-9-1", "13/09/2023", "09/13/2023", "2023/09/13", "2023-09-13T10:00",
    "٢٠٢٣", "２０２３", "1e3", "  2023  ", "2023 - 09", "2023-09-13 ..", "mid-2022",
    "diplomacy", "DIPLOMACY", " gifts ", "gift", "confirmed", "Reported", "alleged?",
    "event", "era", "title", "ERA", "Title",
    "Kim Jong-un; Vladimir Putin", ";", ";;", "a;b;;a", "kim jong-un",
    "https://example.org/x", "http://", "javascript:alert(1)", "example.org/x",
    "https://exa mple.org", "https://[::1", "mailto:x@y", "//example.org",
    '=HYPERLINK("x")', '"quoted"', '""', '"', "a,b", "a;b", "a\tb", "line\nbreak",
    "lone\rreturn", "crlf\r\nbreak", "x" * 121, "é" * 500, "<b>bold</b>", "[link](https://x.y)",
    "kim-putin", "Kim Putin", "-a-", "a--b", "A1", "id",
]


# Any text but control characters: a few of them mark a whole file as binary, so they
# come only from ODD_VALUES and the NUL added on its own (below).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


def dates() -> st.SearchStrategy[str]:
    day = st.dates(min_value=datetime.date(1, 1, 1))
    return st.one_of(
        day.map(lambda d: d.isoformat()),
        day.map(lambda d: d.strftime("%Y-%m") if d.year >= 1000 else f"{d.year:04d}-{d.month:02d}"),
        st.integers(-5000, 12000).map(lambda y: f"{y:04d}"),
        st.tuples(day.map(lambda d: d.isoformat()), st.sampled_from(["~", "?", " ~", "~?"]))
        .map("".join),
    )


def valid_value(column: str) -> st.SearchStrategy[str]:
    """Something an editor could well have meant, for a contract column."""
    column = column.strip().lower()
    return {
        "id": st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True),
        "start": dates(),
        "end": st.one_of(dates(), st.just(".."), st.just("")),
        "title": TEXT.filter(str.strip),
        "actors": st.lists(st.sampled_from(["Kim Jong-un", "Vladimir Putin", "KCNA", "김정은"]),
                           min_size=1, max_size=3).map("; ".join),
        "category": st.sampled_from(["diplomacy", "military", "Other", "diplomacy "]),
        "certainty": st.sampled_from(list(schema.CERTAINTIES) + [""]),
        "source_url": st.sampled_from(["https://example.org/a", "", "http://x.y/z?q=1"]),
        "media_url": st.sampled_from(["https://example.org/a.jpg", ""]),
        "type": st.sampled_from(["", "event", "era", "title", "category"]),
        "colour": st.sampled_from(["", "#3b2ba9", "#FFEE58", "red"]),
        # TimelineJS columns
        "year": st.integers(-3000, 12000).map(str),
        "end year": st.one_of(st.just(""), st.integers(1, 3000).map(str)),
        "month": st.one_of(st.just(""), st.integers(0, 13).map(str), st.just("7.0")),
        "end month": st.one_of(st.just(""), st.integers(1, 12).map(str)),
        "day": st.one_of(st.just(""), st.integers(0, 32).map(str)),
        "end day": st.one_of(st.just(""), st.integers(1, 31).map(str)),
        "headline": TEXT,
        "text": st.sampled_from(["<p>Hello <b>there</b></p>", "<a href='x'>link</a>", "", "<"]),
        "media": st.sampled_from(["https://example.org/a.png", "<blockquote>q</blockquote>",
                                  "/static/x.jpg", "https://youtu.be/x", ""]),
        "group": st.sampled_from(["", "Diplomacy", "diplomacy", "Military; Arms", "<i>x</i>"]),
    }.get(column, TEXT)


def sometimes(one_in: int) -> st.SearchStrategy[bool]:
    """True about once in `one_in` draws (Hypothesis leans to the first choice, False)."""
    return st.sampled_from([False] * (one_in - 1) + [True])


def cell(column: str, clean: bool) -> st.SearchStrategy[str]:
    if clean:
        return valid_value(column)
    return st.one_of(valid_value(column), st.sampled_from(ODD_VALUES), TEXT)


# ------------------------------------------------------------------ headers

def spelled(name: str) -> st.SearchStrategy[str]:
    """A column name as editors write it: as is, in capitals, padded, …"""
    return st.sampled_from([name, name.upper(), name.title(), f" {name} ", f"\ufeff{name}",
                            name.replace("_", " "), f"{name}\u00a0"])


@st.composite
def contract_header(draw) -> list[str]:
    names = [c for c in schema.COLUMN_NAMES if not draw(sometimes(12))]  # some dropped
    names = draw(st.permutations(names))
    names = [draw(spelled(n)) if draw(sometimes(4)) else n for n in names]
    extras = draw(st.lists(st.one_of(st.sampled_from(["internal_ref", "", "Source URL", "line",
                                                      "ID", "notes", "start", "😀", "\x1b"]),
                                     TEXT), max_size=4))
    for extra in extras:  # duplicates and unknown columns, anywhere
        names.insert(draw(st.integers(0, len(names))), extra)
    return names


@st.composite
def timelinejs_header(draw) -> list[str]:
    others = [c for c in timelinejs.CSV_COLUMNS if c not in ("Year", "Headline")]
    chosen = ["Year", "Headline", *draw(st.lists(st.sampled_from(others), min_size=3,
                                                 max_size=len(others), unique=True))]
    names = [draw(spelled(n)) if draw(sometimes(4)) else n
             for n in draw(st.permutations(chosen))]
    if draw(sometimes(3)):
        names.insert(draw(st.integers(0, len(names))),
                     draw(st.sampled_from(["unique_id", "Year", "", "id", "extra"])))
    return names


chaos_header = st.lists(st.one_of(st.sampled_from(ODD_VALUES), TEXT,
                                  st.sampled_from(list(schema.COLUMN_NAMES))), max_size=12)


# ------------------------------------------------------------------ files

# Besides UTF-8 (with or without a BOM) and Windows-1252, which editors' tools write.
OTHER_ENCODINGS = ["latin-1", "utf-16", "utf-16-le", "utf-16-be", "shift_jis", "euc-kr",
                   "koi8-r", "gb18030", "mac_roman", "cp437"]


def serialise(rows: list[list[str]], delimiter: str, newline: str, style: str) -> str:
    if style == "raw":  # no quoting at all: separators and quotes inside values break rows
        return "".join(delimiter.join(row) + newline for row in rows)
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting
               ).writerows(rows)
    return buffer.getvalue()


@st.composite
def csv_files(draw, header: st.SearchStrategy[list[str]], max_rows: int = 5) -> bytes:
    """A file as some editor's tool might have saved it: either plausible (values an
    editor could mean, a common encoding, whole) or anything at all, damaged."""
    names = draw(header)
    rows = [names]
    clean = draw(st.sampled_from([True, False]))
    for _ in range(draw(st.integers(0, max_rows))):
        width = len(names) if clean else max(0, len(names) + draw(st.integers(-3, 3)))  # ragged
        padded = names + [""] * max(0, width - len(names))
        rows.append([draw(cell(padded[i], clean)) for i in range(width)])
    text = serialise(rows, draw(st.sampled_from([",", ";", "\t"])),
                     draw(st.sampled_from(["\n", "\r\n", "\r"])),
                     draw(st.sampled_from(["minimal", "all"] if clean else
                                          ["minimal", "all", "raw"])))
    if clean:
        return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
                           errors="replace")
    if draw(sometimes(5)):  # a quote opened and never closed
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    if draw(sometimes(8)):  # leading blank lines or a missing header line
        text = draw(st.sampled_from(["\n\n", "\r\n", " \n", ""])) + text.split("\n", 1)[-1]
    if draw(sometimes(15)):  # a NUL byte in the text
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    encoding = draw(st.one_of(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
                              st.sampled_from(OTHER_ENCODINGS)))
    data = text.encode(encoding, errors="replace")
    if draw(sometimes(8)):  # a damaged file: a byte flipped, or cut short
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if draw(sometimes(10)):
        data = data[:draw(st.integers(0, len(data)))]
    return data


# ------------------------------------------------------------------ the properties

@pytest.mark.parametrize("name", ["start_at", "end_at"])
def test_a_column_named_like_a_derived_one(name):
    """Found by test_text_files_in_any_encoding: an extra column called `start_at`
    made the loader give up ('unexpected DateParseError … a bug in the timeline tool')."""
    data = f"id,start,title,actors,category,source,{name}\na,2023,T,Kim,military,KCNA,0\n"
    result = load_events_from_bytes(data.encode(), "x.csv")
    assert result.report.ok and list(result.raw[name]) == ["0"], result.report.format_lines("x")


@deterministic(300)
@given(st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                               b"PK\x03\x04", b"%PDF", b"<html>", b"{", b"id,start\n", b"\x00"]),
              st.binary(max_size=2000)).map(b"".join),
))
def test_any_bytes(data):
    check(data, "bytes")


@deterministic(200)
@given(csv_files(st.one_of(contract_header(), contract_header(), chaos_header)))
def test_text_files_in_any_encoding(data):
    check(data, "csv")


@deterministic(100)
@given(csv_files(timelinejs_header()))
def test_timelinejs_sheets(data):
    result = check(data, "timelinejs")
    if result.file_format == "timelinejs":
        assert set(result.columns) <= set(result.raw.columns)


@deterministic(8)
@example("title", 3_000_000, "x", "open", "utf-8")  # the largest, whatever is drawn
@example("description", 2_500_000, "é", "quoted", "utf-16")
@given(st.sampled_from(schema.COLUMN_NAMES), st.integers(100_000, 3_000_000),
       st.sampled_from(["x", "é", "😀", '"', "\n"]), st.sampled_from(["quoted", "raw", "open"]),
       st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_huge_fields(column, size, char, style, encoding):
    """A value of a few MB (a pasted document, a runaway quote): an error on its line."""
    header = list(schema.COLUMN_NAMES)
    row = ["a", "2023", "", "", "T", "", "Kim", "military", "", "KCNA", "", "", "", "", "", ""]
    value = char * (size // len(char.encode("utf-8")))
    row[header.index(column)] = {"quoted": '"' + value.replace('"', '""') + '"',
                                 "raw": value, "open": '"' + value}[style]
    text = ",".join(header) + "\r\n" + ",".join(row) + "\r\nb,2024,,,T,,Kim,military,,KCNA\r\n"
    check(text.encode(encoding, errors="replace"), "huge")


# ------------------------------------------------------------------ the command line

@deterministic(5)
@given(st.one_of(csv_files(contract_header(), max_rows=3), csv_files(timelinejs_header(), 3),
                 st.binary(max_size=500)))
def test_validate_never_prints_a_traceback(tmp_path_factory, data):
    CASES["cli"] += 1
    INPUTS.update(len(data).to_bytes(8, "big") + data)
    path = tmp_path_factory.mktemp("cli") / "generated.csv"
    path.write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "timeline", "validate", str(path)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, encoding="utf-8", errors="replace", timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    *problems, summary = result.stdout.splitlines()
    assert summary.endswith(("row", "rows")) and "in" in summary
    assert all(line.startswith(str(path)) for line in problems)
