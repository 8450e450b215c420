"""Writes the fixtures in this folder with exact bytes (encodings, line ends, quoting).

Run `python tests/data/messy/make_fixtures.py` after changing a case here; the
files are committed, so tests never depend on this script.
"""
import csv
import io
from pathlib import Path

OUT = Path(__file__).resolve().parent
HEADER = ["id", "start", "end", "display_date", "title", "description", "actors", "category",
          "certainty", "source", "source_url", "media_url", "media_caption", "media_credit", "notes"]


def row(id, start, title, actors="Kim Jong-un; Vladimir Putin", category="diplomacy", end="",
        description="", certainty="confirmed", source="KCNA",
        source_url="https://www.kremlin.ru/events", media_url="", display_date="", notes="", **extra):
    values = dict(id=id, start=start, end=end, display_date=display_date, title=title,
                  description=description, actors=actors, category=category, certainty=certainty,
                  source=source, source_url=source_url, media_url=media_url, media_caption="",
                  media_credit="", notes=notes)
    values.update(extra)
    return values


GOOD = [
    row("vostochny-summit", "2023-09-13", "Kim and Putin meet at Vostochny Cosmodrome"),
    row("pyongyang-visit", "2024-06-19", "Putin visits Pyongyang", end="2024-06-20",
        source="Kremlin"),
    row("troops-kursk", "2024-10~", "North Korean troops deployed to Kursk", end="..",
        actors="Korean People's Army; Russia", category="military", certainty="reported",
        source="NIS"),
]


def csv_text(rows, header=HEADER, delimiter=",", lineterminator="\n"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    return buffer.getvalue()


def write(name, data):
    (OUT / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


# ------------------------------------------------------------- files that load
write("utf8_bom.csv", b"\xef\xbb\xbf" + csv_text([
    row("vostochny-summit", "2023-09-13", "Kim and Putin meet at Vostochny Cosmodrome",
        actors="김정은; Владимир Путин", description="Встреча в Амурской области; 북러 정상회담"),
    *GOOD[1:],
]).encode("utf-8"))

write("windows1252.csv", csv_text([
    row("cafe-dinner", "2023-09-13", "Dinner at the cosmodrome café",
        description="The menu cost €2,000 — “a feast”, said the café’s chef", source="Le Monde"),
    *GOOD[1:],
], lineterminator="\r\n").encode("cp1252"))

write("semicolon_crlf.csv", csv_text([
    row("vostochny-summit", "2023-09-13", "Kim, Putin meet; talk satellites",
        description="Commas, unquoted, are fine here"),
    *GOOD[1:],
], delimiter=";", lineterminator="\r\n"))

write("tab_delimited.csv", csv_text(GOOD, delimiter="\t"))

write("cr_only.csv", csv_text(GOOD, lineterminator="\r"))

# Line 2 holds a record spanning lines 2-4; the record on line 5 has a bad date.
write("quoted_multiline.csv", csv_text([
    row("vostochny-summit", "2023-09-13", 'Kim says "full support", toasts Putin',
        description='Line one, with a comma\r\nLine two with "quotes"\r\nLine three'),
    row("bad-date-after-multiline", "2023-02-30", "A row after a multi-line value"),
    *GOOD[1:],
], lineterminator="\r\n"))

# Header in another order, odd case and padding; values padded with spaces.
write("header_case_order.csv",
      " Title , ID ,START,Actors,Category,Source,End\n"
      "  Kim and Putin meet  , vostochny-summit , 2023-09-13 ,Kim Jong-un ;  Vladimir Putin ;,"
      "diplomacy, KCNA ,\n"
      "Putin visits Pyongyang,pyongyang-visit,2024-06-19,Vladimir Putin;Kim Jong-un;"
      "Vladimir Putin,diplomacy,Kremlin,2024-06-20\n")

write("blank_rows.csv", csv_text([GOOD[0], [""] * len(HEADER), GOOD[1]]).replace(
    "\n" + "," * (len(HEADER) - 1) + "\n", "\n" + "," * (len(HEADER) - 1) + "\n\n   \n"))

write("utf16_unicode_text.txt", "\ufeff".encode("utf-16-le") + csv_text(
    [row("vostochny-summit", "2023-09-13", "김정은 meets Владимир Путин")], delimiter="\t",
    lineterminator="\r\n").encode("utf-16-le"))

# ------------------------------------------------------------- one problem each
def bad(name, *rows, header=HEADER, **kw):
    write(name, csv_text([GOOD[0], *rows], header=header, **kw))

bad("error_missing_column.csv", GOOD[1], header=[h for h in HEADER if h != "title"])
bad("error_missing_value.csv", row("no-title", "2023-10-01", ""))
bad("error_date_not_exist.csv", row("feb-30", "2023-02-30", "A day that never was"))
bad("error_date_dmy.csv", row("dmy-date", "13/09/2023", "Written the European way"))
bad("error_date_words.csv", row("wordy-date", "Sept 2023", "Written in words"))
bad("error_end_before_start.csv", row("backwards", "2023-09-13", "Ends before it starts",
                                      end="2023-09-12"))
bad("error_ongoing_start.csv", row("ongoing-start", "..", "Ongoing in the wrong column"))
bad("error_duplicate_id.csv", GOOD[1], row("vostochny-summit", "2023-09-14", "Second day"))
bad("error_id_not_slug.csv", row("Kim–Putin Summit", "2023-09-14", "An id with spaces"))
bad("error_source_url.csv", row("bad-source-url", "2023-09-14", "A link without https",
                                source_url="www.example.org/news"))
bad("error_media_url.csv", row("bad-media-url", "2023-09-14", "A link with no host",
                               media_url="https:///photo.jpg"))
bad("error_title_too_long.csv", row("long-title", "2023-09-14", "Kim " * 31))
# The file declares its categories (a category row, after the events here), so an
# event's other category is an error; without declarations it would be its own.
bad("error_unknown_category.csv", row("politics", "2023-09-14", "Not a category",
                                      category="politics"),
    dict(type="category", category="diplomacy", title="Diplomacy", colour="#3b2ba9"),
    header=HEADER[:-1] + ["type", "colour", "notes"])
bad("error_unknown_certainty.csv", row("rumour", "2023-09-14", "Not a certainty",
                                       certainty="rumoured"))
write("error_too_many_fields.csv", csv_text([GOOD[0]]) +
      "too-many,2023-09-14,,,Kim, Putin talk,,Kim Jong-un,diplomacy,confirmed,KCNA,,,,,"
      "internal note\n")
write("error_shifted_columns.csv", csv_text([GOOD[0]]) +
      "shifted,2023-09-14,,,Kim, Putin talk,,Kim Jong-un,diplomacy,confirmed,KCNA,,,,,\n")
write("error_unclosed_quote.csv", csv_text([GOOD[0]]) +
      'unclosed,2023-09-14,,,"Kim arrives,,Kim Jong-un,diplomacy,confirmed,KCNA,,,,,\n'
      "later,2023-09-15,,,Putin leaves,,Vladimir Putin,diplomacy,confirmed,KCNA,,,,,\n")

bad("warning_unknown_column.csv", {**GOOD[1], "internal_ref": "A-17"},
    header=HEADER + ["internal_ref"])
bad("warning_category_case.csv", row("case-category", "2023-09-14", "Capitalised category",
                                     category="Diplomacy"))
bad("warning_certainty_case.csv", row("case-certainty", "2023-09-14", "Shouted certainty",
                                      certainty="CONFIRMED"))
bad("warning_actor_spelling.csv", row("second-day", "2023-09-14", "Second day of talks",
                                      actors="kim jong-un; Vladimir Putin"))
bad("warning_mixed_script.csv", row("mixed-script", "2023-09-14",
                                    "Putin shows Kim the \u0421osmodrome"))
bad("warning_no_source.csv", row("no-source", "2023-09-14", "Nobody reported this", source=""))
bad("warning_duplicate_header.csv", GOOD[1], header=HEADER + ["Title"])

# ------------------------------------------------------------- not CSV at all
write("not_csv_xlsx.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)))
write("not_csv_binary.csv", bytes(range(256)) * 4)
write("not_csv_html.csv", "<!DOCTYPE html>\n<html><head><title>Timeline - Google Sheets</title>"
      "</head>\n<body></body></html>\n")
write("not_csv_json.csv", '[{"id": "vostochny-summit", "start": "2023-09-13"}]\n')
write("not_csv_no_header.csv", csv_text(GOOD).split("\n", 1)[1])
write("not_csv_undecodable.csv", b"id,start,title\nx,2023,caf\x81\x8d\x90\n")
write("empty.csv", b"")
write("header_only.csv", csv_text([]))
