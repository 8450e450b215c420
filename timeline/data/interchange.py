"""Whole files in and out of other tools' formats: TimelineJS, for now.

`import_timelinejs` turns a TimelineJS sheet (CSV) or JSON file into our CSV;
`export_timelinejs` writes a loaded timeline as TimelineJS3 JSON. The mapping
itself is `timeline.data.timelinejs`; this module reads, writes and reports.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date

from timeline.data import schema, timelinejs
from timeline.data.loading import LoadResult, SizeLimit, load_events_from_bytes, read_table
from timeline.data.report import Problem, Report, error

NOT_TIMELINEJS = ("this is not a TimelineJS file: a TimelineJS sheet's first line names its "
                  "columns (Year, Month, Day, …, Headline, Text, Media, …), and TimelineJS "
                  "JSON is an object with an 'events' list")


@dataclass(frozen=True)
class Imported:
    csv_text: str                   # our CSV, header first
    problems: tuple[Problem, ...]   # what the conversion could not keep, where the input has it
    report: Report                  # our validator's verdict on the CSV written

    @property
    def counts(self) -> str:
        """'10 events, 1 era, a title' as read back from the CSV."""
        types = [row.get("type") or schema.DEFAULT_ROW_TYPE
                 for row in csv.DictReader(io.StringIO(self.csv_text))]
        parts = [f"{types.count('event')} event{'s' if types.count('event') != 1 else ''}"]
        if eras := types.count("era"):
            parts.append(f"{eras} era{'s' if eras != 1 else ''}")
        if "title" in types:
            parts.append("a title")
        return ", ".join(parts)


def import_timelinejs(data: bytes, limit: SizeLimit | None = None) -> Imported | str:
    """Our CSV for a TimelineJS file's bytes, or why it cannot be converted.
    `limit`: how large a sheet, and the CSV made of it, may be (default: the app's)."""
    slides = _json_slides(data) if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") \
        else _sheet_slides(data, limit)
    if isinstance(slides, str):
        return slides
    found, problems = slides
    conversion = timelinejs.convert(found)
    text = _our_csv(conversion.rows)
    report = load_events_from_bytes(text.encode("utf-8"), "imported.csv", limit=limit).report
    said = problems + conversion.problems
    if found and found[0].line is None:  # JSON: name its fields, not a sheet's columns
        said = [replace(p, column=timelinejs.JSON_FIELDS.get(p.column, p.column))
                if p.column else p for p in said]
    return Imported(text, tuple(said), report)


def _json_slides(data: bytes) -> tuple[list[timelinejs.Slide], list[Problem]] | str:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return "this JSON file is not UTF-8 text, as JSON must be; save it again as UTF-8"
    except json.JSONDecodeError as exc:
        return (f"this is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}). "
                f"Check the file is complete, and that quotes and brackets are closed")
    except RecursionError:
        return "this JSON is nested too deeply to be a timeline"
    return timelinejs.json_slides(document)


def _sheet_slides(data: bytes, limit: SizeLimit | None,
                  ) -> tuple[list[timelinejs.Slide], list[Problem]] | str:
    table = read_table(data, limit)
    if isinstance(table, str):
        return table
    if not timelinejs.is_timelinejs_header(table.header.fields):
        return NOT_TIMELINEJS
    readable = [(r.line, r.fields) for r in table.body if r.broken is None]
    slides, problems = timelinejs.sheet_slides(table.header.fields, readable)
    broken = [error(r.line, None, f"{r.broken}; the row was left out")
              for r in table.body if r.broken]
    return slides, [*table.notes, *problems, *broken]


def _our_csv(rows: list[timelinejs.Converted]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(schema.COLUMN_NAMES)
    for converted in rows:
        row = dict(converted.row)
        if converted.notes:  # editors only: what to check after the import
            row["notes"] = "Imported from TimelineJS. " + " ".join(converted.notes)
        writer.writerow([row[c] for c in schema.COLUMN_NAMES])
    return buffer.getvalue()


def export_timelinejs(result: LoadResult, today: date) -> str:
    """The loaded timeline as TimelineJS3 JSON text."""
    document = timelinejs.timeline_json(result.events, result.eras, result.title,
                                        result.subtitle, today)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
