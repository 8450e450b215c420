"""Reading files as editors save them, and never raising whatever they hold."""
import os
import random
import threading
from pathlib import Path

import pandas as pd
import pytest

from support import BUNDLED_CSV
from timeline.data import dates, loading, schema
from timeline.data.dates import PartialDate
from timeline.data.loading import EVENT_COLUMNS, LoadResult, load_events, load_events_from_bytes

MESSY = Path(__file__).parent / "data" / "messy"
GOOD_IDS = ["vostochny-summit", "pyongyang-visit", "troops-kursk"]
# The fixtures were saved before the optional `type` column existed, as many
# editors' files are: they must load all the same.
# The messy files were written before the `type`, `settings` and `colour` columns (all
# optional).
FIXTURE_COLUMNS = tuple(c for c in schema.COLUMN_NAMES if c not in ("type", "settings", "colour"))


# ------------------------------------------------------------------ the fixtures' bytes

@pytest.mark.parametrize("name, check", [
    ("utf8_bom.csv", lambda b: b.startswith(b"\xef\xbb\xbf") and "김정은".encode() in b
     and "Владимир Путин".encode() in b),
    ("windows1252.csv", lambda b: b"caf\xe9" in b and b"\x80" in b and b"\r\n" in b),
    ("semicolon_crlf.csv", lambda b: b";" in b and b.count(b"\n") == b.count(b"\r\n")),
    ("cr_only.csv", lambda b: b"\r" in b and b"\n" not in b),
    ("quoted_multiline.csv", lambda b: b'""quotes""' in b and b'comma\r\nLine two' in b),
    ("utf16_unicode_text.txt", lambda b: b.startswith(b"\xff\xfe")),
])
def test_fixtures_keep_their_exact_bytes(name, check):
    # Guards against an editor or git rewriting encodings or line ends.
    assert check((MESSY / name).read_bytes())


def test_windows1252_fixture_is_not_utf8():
    with pytest.raises(UnicodeDecodeError):
        (MESSY / "windows1252.csv").read_bytes().decode("utf-8")


# ------------------------------------------------------------------ files that load

@pytest.mark.parametrize("name, encoding, delimiter", [
    ("utf8_bom.csv", "utf-8", ","),
    ("windows1252.csv", "cp1252", ","),
    ("semicolon_crlf.csv", "utf-8", ";"),
    ("tab_delimited.csv", "utf-8", "\t"),
    ("cr_only.csv", "utf-8", ","),
])
def test_common_spreadsheet_exports_load(name, encoding, delimiter):
    result = load_events(MESSY / name)
    assert result.report.ok, result.report.format_lines(name)
    assert (result.encoding, result.delimiter) == (encoding, delimiter)
    assert result.columns == FIXTURE_COLUMNS  # a BOM must not stick to 'id'
    assert list(result.events["id"])[1:] == GOOD_IDS[1:]
    assert list(result.events["line"]) == [2, 3, 4]
    assert not any("\r" in v for v in result.raw.drop(columns="line").to_numpy().ravel())


def test_utf8_bom_keeps_korean_and_russian():
    events = load_events(MESSY / "utf8_bom.csv").events
    assert events["actors"].iloc[0] == ("김정은", "Владимир Путин")
    assert "북러 정상회담" in events["description"].iloc[0]


def test_windows1252_reads_accents_and_euro_and_says_so():
    result = load_events(MESSY / "windows1252.csv")
    assert result.events["title"].iloc[0] == "Dinner at the cosmodrome café"
    assert result.events["description"].iloc[0] == \
        "The menu cost €2,000 — “a feast”, said the café’s chef"
    [note] = result.report.problems
    assert (note.line, note.column, note.severity) == (None, None, "warning")
    assert "Windows-1252" in note.message


def test_semicolons_inside_quotes_and_commas_outside():
    events = load_events(MESSY / "semicolon_crlf.csv").events
    assert events["title"].iloc[0] == "Kim, Putin meet; talk satellites"
    assert events["description"].iloc[0] == "Commas, unquoted, are fine here"


def test_quoted_values_keep_commas_quotes_and_line_breaks():
    result = load_events(MESSY / "quoted_multiline.csv")
    first = result.events.iloc[0]
    assert first["title"] == 'Kim says "full support", toasts Putin'
    assert first["description"] == 'Line one, with a comma\nLine two with "quotes"\nLine three'
    # The record on lines 2–4 is line 2; the next record starts on line 5.
    assert list(result.raw["line"]) == [2, 5, 6, 7]
    assert list(result.events["line"]) == [2, 6, 7]


def test_headers_match_by_name_in_any_order_case_and_padding():
    result = load_events(MESSY / "header_case_order.csv")
    assert result.report.problems == ()
    assert result.columns == ("title", "id", "start", "actors", "category", "source", "end")
    first, second = result.events.to_dict("records")
    assert (first["id"], first["title"], first["source"]) == (
        "vostochny-summit", "Kim and Putin meet", "KCNA")
    assert first["actors"] == ("Kim Jong-un", "Vladimir Putin")
    assert second["actors"] == ("Vladimir Putin", "Kim Jong-un")
    assert first["description"] == "" and first["certainty"] == ""


def test_utf16_from_excel_unicode_text_loads():
    result = load_events(MESSY / "utf16_unicode_text.txt")
    assert result.report.problems == ()
    assert result.events["title"].iloc[0] == "김정은 meets Владимир Путин"


# ------------------------------------------------------------------ the events frame

def test_derived_columns():
    events = load_events(MESSY / "tab_delimited.csv").events.set_index("id")
    point, span, ongoing = (events.loc[i] for i in GOOD_IDS)
    assert point["start_date"] == PartialDate(2023, 9, 13) and point["end_date"] is None
    assert point["start_at"] == point["end_at"] == pd.Timestamp("2023-09-13")
    assert point["date_label"] == "13 September 2023"
    assert span["end_at"] == pd.Timestamp("2024-06-20")
    assert span["date_label"] == "19 June 2024 – 20 June 2024"
    assert ongoing["ongoing"] and ongoing["end_date"] is None and pd.isna(ongoing["end_at"])
    assert ongoing["approximate"] and not ongoing["uncertain"]
    assert ongoing["start_at"] == pd.Timestamp("2024-10-01")
    assert ongoing["date_label"] == "since c. October 2024"
    assert not point["ongoing"] and not point["approximate"]


def _bytes(*rows: str) -> bytes:
    return ("id,start,end,display_date,title,actors,category,source\n" + "\n".join(rows)).encode()


def test_display_date_wins_and_marks_on_either_date_count():
    events = load_events_from_bytes(_bytes(
        "a,2022,2023?,mid-2022 to 2023,T,Kim,military,KCNA"), "x.csv").events
    assert events["date_label"].iloc[0] == "mid-2022 to 2023"
    assert events["uncertain"].iloc[0] and not events["approximate"].iloc[0]
    assert events["end_at"].iloc[0] == pd.Timestamp("2023-12-31")


def test_events_are_sorted_by_start_then_line():
    events = load_events_from_bytes(_bytes(
        "late,2024,,,T,Kim,military,KCNA",
        "same-b,2023-09-13,,,T,Kim,military,KCNA",
        "year,2023,,,T,Kim,military,KCNA",
        "same-a,2023-09-13,,,T,Kim,military,KCNA"), "x.csv").events
    assert list(events["id"]) == ["year", "same-b", "same-a", "late"]
    assert list(events.index) == [0, 1, 2, 3]


def test_old_dates_fit_the_frame():
    events = load_events_from_bytes(_bytes("treaty,1860-11,,,Treaty of Peking,Russia,diplomacy,"
                                           "Archives"), "x.csv").events
    assert events["start_at"].iloc[0] == pd.Timestamp("1860-11-01")


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv", "not_csv_html.csv",
                                  "error_missing_column.csv"])
def test_events_have_every_column_and_dtype_even_when_empty(name):
    full = load_events(MESSY / "tab_delimited.csv").events
    events = load_events(MESSY / name).events
    assert events.empty
    assert tuple(events.columns) == EVENT_COLUMNS
    assert dict(events.dtypes) == dict(full.dtypes)


def test_raw_keeps_everything_the_editor_wrote():
    result = load_events(MESSY / "error_too_many_fields.csv")
    assert result.columns == FIXTURE_COLUMNS
    assert list(result.raw.columns) == [*FIXTURE_COLUMNS, "column P", "line"]
    assert list(result.raw["column P"]) == ["", "internal note"]

    result = load_events(MESSY / "warning_unknown_column.csv")
    assert result.extra_columns == ("internal_ref",)
    assert list(result.raw["internal_ref"]) == ["", "A-17"]
    assert "internal_ref" not in result.events.columns


@pytest.mark.parametrize("name", ["error_too_many_fields.csv", "warning_unknown_column.csv",
                                  "utf8_bom.csv"])
def test_the_file_as_written_loads_without_the_charts_frames(name):
    data = (MESSY / name).read_bytes()
    written, full = loading.load_written_from_bytes(data, name), load_events_from_bytes(data, name)
    pd.testing.assert_frame_equal(written.raw, full.raw)
    assert written.report == full.report and written.columns == full.columns
    assert written.events.empty and not full.events.empty


def test_duplicate_header_columns_get_unique_names_in_raw():
    result = load_events(MESSY / "warning_duplicate_header.csv")
    assert result.columns[-1] == "Title.1"
    assert result.extra_columns == ("Title.1",)


def test_bytes_and_path_give_the_same_result():
    path = MESSY / "utf8_bom.csv"
    from_path, from_bytes = load_events(path), load_events_from_bytes(path.read_bytes(), "u.csv")
    pd.testing.assert_frame_equal(from_path.events, from_bytes.events)
    assert from_path.report == from_bytes.report


# ------------------------------------------------------------------ files that are not CSV

@pytest.mark.parametrize("name, fragment", [
    ("empty.csv", "the file is empty"),
    ("not_csv_xlsx.csv", "Excel workbook"),
    ("not_csv_binary.csv", "binary file"),
    ("not_csv_html.csv", "web page (HTML)"),
    ("not_csv_json.csv", "JSON"),
    ("not_csv_no_header.csv", "first line should name the columns"),
    ("not_csv_undecodable.csv", "neither UTF-8 nor Windows-1252"),
])
def test_not_a_csv_is_one_clear_error(name, fragment):
    result = load_events(MESSY / name)
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (None, None, "error")
    assert fragment in problem.message
    assert result.events.empty


# ------------------------------------------------------------------ never raising

def _junk() -> list[bytes]:
    rng = random.Random(20230913)
    return [
        b"", b"   \r\n\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\xff\xfe\x00", b"\xfe\xff\xd8\x00",
        b'"', b'"' * 11, b"\n\n\nid,start\n", b",,,,\n,,,\n", b"id", b"id\n\"",
        b"id,start,title,actors,category\n" + b",".join([b"x"] * 5000) + b"\n",
        b",".join(b"c%d" % i for i in range(20000)) + b"\nid\n",
        b"id,start,title,actors,category\n\"" + b"x" * 300_000,
        b"id;start;title\r\na;b\x00c;d\r\n", b"id\x1b[31m,start\n",
        bytes(rng.randrange(256) for _ in range(5000)),
        bytes(rng.choice(b'id,start;"\r\n\t x') for _ in range(5000)),
    ]


@pytest.mark.parametrize("data", _junk(), ids=range(len(_junk())))
def test_junk_never_raises(data):
    result = load_events_from_bytes(data, "junk.csv")
    assert isinstance(result, LoadResult)
    assert tuple(result.events.columns) == EVENT_COLUMNS
    assert result.report.summary()


def test_a_huge_value_is_an_error_on_its_line_and_later_rows_still_load():
    data = _bytes("a,2023,,,T,Kim,military,KCNA",
                  f'b,2023,,,"{"x" * 200_000}",Kim,military,KCNA',
                  "c,2024,,,T,Kim,military,KCNA")
    result = load_events_from_bytes(data, "x.csv")
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (3, None, "error")
    assert "longer than" in problem.message
    assert list(result.events["id"]) == ["a", "c"]


def test_a_file_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 100)
    [problem] = load_events_from_bytes(b"id,start\n" * 20, "big.csv").report.problems
    assert "too large (180 bytes; the limit here is 100 bytes)" in problem.message


def test_a_file_too_large_is_refused_by_its_real_size_not_what_was_read(monkeypatch, tmp_path):
    # It used to read one byte past the limit and name that size: "52 MB" for 415 MB.
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1_000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"id,start\n" * 250_000)
    [problem] = load_events(path).report.problems
    assert "too large (2.2 MB; the limit here is 1,000 bytes)" in problem.message
    assert loading.SizeLimit(10_000_000).refusal(415_000_000).startswith(
        "the file is too large (415 MB; the limit here is 10 MB) to be a timeline")


def test_a_pipe_is_read_to_one_byte_past_the_limit(tmp_path, monkeypatch):
    # A pipe has no size on disk to refuse it by.
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 1_000)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)

    def write(data: bytes) -> None:
        try:
            with open(pipe, "wb") as handle:
                handle.write(data)
        except BrokenPipeError:  # the reader stopped at the limit
            pass
    for data, said in ((b"id,start\n" * 200, "too large (over the limit here, 1,000 bytes)"),
                       (b"id,start\n" * 100, None)):
        writer = threading.Thread(target=write, args=(data,))
        writer.start()
        read = loading.read_file(pipe)
        writer.join(timeout=10)
        if said:
            assert said in read
        else:
            assert read == data


def test_an_internal_bug_becomes_an_error_not_a_crash(monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")
    monkeypatch.setattr(loading, "validate", broken)
    [problem] = load_events_from_bytes(b"id,start\na,2023\n", "x.csv").report.problems
    assert "bug" in problem.message and "boom" in problem.message


@pytest.mark.parametrize("make_path, fragment", [
    (lambda tmp: tmp / "missing.csv", "no file here"),
    (lambda tmp: tmp, "is a folder"),
    (lambda tmp: str(tmp / "nul\x00.csv"), "cannot be opened"),
    (lambda tmp: None, "cannot be opened"),
])
def test_paths_that_cannot_be_read(tmp_path, make_path, fragment):
    result = load_events(make_path(tmp_path))
    [problem] = result.report.problems
    assert problem.severity == "error" and fragment in problem.message
    assert not result.report.ok


def test_a_file_without_permission(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(loading, "open", denied, raising=False)
    [problem] = load_events(tmp_path / "secret.csv").report.problems
    assert "permission denied" in problem.message




# ------------------------------------------------------------------ eras, title, TimelineJS

def test_eras_and_title_are_kept_apart_from_the_events():
    data = (b"id,start,end,title,description,actors,category,source,type\n"
            b",,,Our timeline,The line under it,,,,title\n"
            b"a,2023,,An event,,Kim,military,KCNA,\n"
            b",2011-12,..,Kim Jong-un in power,,,,,era\n"
            b"kim-jong-il,1994,2011,Kim Jong-il in power,,,,,era\n")
    result = load_events_from_bytes(data, "x.csv")
    assert result.report.problems == ()
    assert list(result.events["id"]) == ["a"]
    assert (result.title, result.subtitle) == ("Our timeline", "The line under it")
    eras = result.eras
    assert list(eras["id"]) == ["kim-jong-il", "kim-jong-un-in-power"]  # by start
    assert list(eras["line"]) == [5, 4]
    assert eras["start_at"].dtype == "datetime64[s]" and eras["end_at"].dtype == "datetime64[s]"
    assert eras["end_at"].iloc[0] == pd.Timestamp("2011-12-31")
    assert eras["ongoing"].iloc[1] and pd.isna(eras["end_at"].iloc[1])
    assert list(eras["date_label"]) == ["1994 – 2011", "since December 2011"]
    assert list(result.raw["line"]) == [2, 3, 4, 5]  # the editor still sees every row


@pytest.mark.parametrize("name", ["tab_delimited.csv", "empty.csv", "error_missing_column.csv"])
def test_without_eras_or_title_the_frame_is_empty_and_typed(name):
    result = load_events(MESSY / name)
    assert result.eras.empty and tuple(result.eras.columns) == loading.ERA_COLUMNS
    assert result.eras["start_at"].dtype == "datetime64[s]"
    assert result.title is None and result.subtitle is None
    assert result.file_format == "timeline"


def test_a_timelinejs_sheet_keeps_its_own_columns_lines_and_encoding():
    data = ("Year;Month;Day;Headline;Text;Media;Type;Group\r\n"
            ";;;Café timeline;;;title;\r\n"
            "2023;9;13;Summit;\"<p>Line one,\r\nline two</p>\";;;Diplomacy\r\n"
            "2023;13;;Bad month;;;;Diplomacy\r\n").encode("cp1252")
    result = load_events_from_bytes(data, "sheet.csv")
    assert (result.encoding, result.delimiter, result.file_format) == ("cp1252", ";", "timelinejs")
    assert result.columns == ("Year", "Month", "Day", "Headline", "Text", "Media", "Type",
                              "Group")
    assert list(result.raw["line"]) == [2, 3, 5]
    assert result.title == "Café timeline"
    assert list(result.events["description"]) == ["Line one, line two"]
    assert [(p.line, p.column, p.severity) for p in result.report.problems] == [
        (None, None, "warning"), (5, "Month", "error")]


def test_a_file_cut_off_mid_value_is_refused():
    whole = BUNDLED_CSV
    cuts = [cut for cut in range(200, len(whole) - 1, 97) if not whole[:cut].endswith(b"\n")]
    refused = [cut for cut in cuts if not load_events_from_bytes(whole[:cut]).report.ok]
    # A cut inside the last, unquoted column leaves a file that is valid as it stands;
    # every other cut (a value or a quote left unfinished) is caught.
    assert len(refused) / len(cuts) > 0.8
    report = load_events_from_bytes(whole[:len(whole) // 3]).report
    assert any("seems cut off" in p.message for p in report.errors)
    assert load_events_from_bytes(whole.rstrip(b"\n")).report.ok  # no final line break: fine


# ------------------------------------------------------------------ hostile sizes

def test_a_header_of_200000_columns_is_refused_before_any_column_is_checked(monkeypatch):
    """1.5 MB of column names took 30 s to check, one column at a time."""
    def no_validation(*args):
        raise AssertionError("the columns were checked one by one")

    monkeypatch.setattr(loading, "validate", no_validation)
    header = "id,start,title,category," + ",".join(f"c{i}" for i in range(200_000))
    data = (header + "\na,2023,T,gifts\n").encode()
    assert len(data) > 1_400_000
    [problem] = load_events_from_bytes(data, "wide.csv").report.problems
    assert problem.is_error
    assert "line 1 (the header) has 200,004 columns" in problem.message
    assert f"more than the {loading.MAX_COLUMNS}" in problem.message


def test_a_row_wider_than_the_limit_is_refused_naming_its_line(monkeypatch):
    monkeypatch.setattr(loading, "validate", lambda *args: pytest.fail("columns were checked"))
    data = _bytes("a,2023,,,T,Kim,military,KCNA",
                  "b,2023,,,T,Kim,military,KCNA" + ",x" * 200_000)
    [problem] = load_events_from_bytes(data, "wide.csv").report.problems
    assert "line 3 has 200,008 values" in problem.message
    assert f"more than the {loading.MAX_COLUMNS} columns" in problem.message


def test_a_file_at_the_column_limit_still_loads():
    extra = ",".join(f"note {i}" for i in range(loading.MAX_COLUMNS - 8))
    data = _bytes("a,2023,,,T,Kim,military,KCNA" + "," * (loading.MAX_COLUMNS - 8))
    data = data.replace(b"source\n", f"source,{extra}\n".encode(), 1)
    result = load_events_from_bytes(data, "wide.csv")
    assert len(result.columns) == loading.MAX_COLUMNS
    assert list(result.events["id"]) == ["a"]
    assert not [p for p in result.report.problems if p.is_error]


def test_a_date_cell_of_60000_spaces_is_an_error_on_its_cell(monkeypatch):
    """An upload with such a cell took 31 s: the date hints never see it."""
    monkeypatch.setattr(dates, "_hint", lambda text: pytest.fail("the hints ran"))
    data = _bytes("a,2023,,,T,Kim,military,KCNA",
                  "b,Sept" + " " * 60_000 + "x,,,T,Kim,military,KCNA")
    result = load_events_from_bytes(data, "spaces.csv")
    [problem] = [p for p in result.report.problems if p.is_error]
    assert (problem.line, problem.column) == (3, "start")
    assert "60,005 characters long, too long for a date" in problem.message
    assert list(result.events["id"]) == ["a"]
