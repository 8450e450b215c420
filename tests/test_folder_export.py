"""A folder of timelines exported as static files (issue 18): `python -m timeline export
--out DIR [FOLDER]` writes every published timeline to DIR/t/<slug>/ and their index;
drafts and broken timelines are left out, earlier exports no longer published removed."""
from __future__ import annotations

import hashlib
import threading
import json
import os
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support import DATA
from test_credit_and_status import with_title_row
from timeline import cli
from timeline.config import Config
from timeline.data_store import snapshot_of
from timeline.embed import static_export
from timeline.folder.export import INDEX_MARK, MARKER, export_folder

ROOT = Path(__file__).resolve().parent.parent
TIMELINES = DATA / "timelines"
TODAY = date(2026, 12, 6)
HARBOUR_TITLE = "A year at the harbour"
# The courts' title, as an editor might type it: shown as text everywhere, never run.
COURTS_TITLE = 'The bridge case <script>alert("court")</script> & "appeals"'
EXPLORER = "https://news.example/t/{slug}/"


def newsroom_folder(folder: Path) -> Path:
    """A newsroom's folder built from the fixtures: two published timelines, a draft,
    one with errors and a CSV whose name is no address."""
    folder.mkdir(parents=True)
    harbour = (TIMELINES / "harbour.csv").read_bytes()
    courts = (TIMELINES / "courts.csv").read_bytes()
    (folder / "harbour.csv").write_bytes(harbour)
    (folder / "courts.csv").write_bytes(with_title_row(courts, title=COURTS_TITLE))
    (folder / "court-draft.csv").write_bytes(
        with_title_row(courts, title="A case not yet told", settings="status=draft"))
    (folder / "broken.csv").write_bytes(harbour.replace(
        b"2024-01-12,2024-01-13", b"2024-01-12,2024-01-10").replace(
        b"ferry-strike,2024-05-03", b"ferry-strike,2024-13-45"))
    (folder / "Old notes.csv").write_bytes(harbour)
    return folder


class Links(HTMLParser):
    """The index's timelines: each heading's text and each link's address."""

    def __init__(self):
        super().__init__()
        self.titles: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._in_heading = True
            self.titles.append("")
        if tag == "a" and attrs.get("href") not in (None, "?"):
            self.hrefs.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_heading = False

    def handle_data(self, data):
        if self._in_heading:
            self.titles[-1] += data


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The folder exported once (each brotli compression recorded by its body's hash),
    and what it said."""
    base = tmp_path_factory.mktemp("newsroom")
    folder, out = newsroom_folder(base / "data"), base / "public"
    said, compressed = [], []
    real = static_export.brotli.compress

    exporting = threading.current_thread()

    def recorded(body, *args, **kwargs):
        # The export's own: an app built by an earlier test may still be compressing
        # its files in a background thread of this process.
        if threading.current_thread() is exporting:
            compressed.append(hashlib.sha256(body).hexdigest())
        return real(body, *args, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(static_export.brotli, "compress", recorded)
        done = export_folder(folder, out, Config(), TODAY, explorer_url=EXPLORER,
                             say=said.append)
    return folder, out, done, said, compressed


def test_each_published_timeline_is_exported_under_t_slug(exported):
    _, out, done, _, _ = exported
    assert sorted(entry.slug for entry, _ in done.exported) == ["courts", "harbour"]
    for slug in ("courts", "harbour"):
        page = out / "t" / slug / "index.html"
        assert page.is_file() and (out / "t" / slug / "index.html.br").is_file()
        assert json.loads((out / "t" / slug / MARKER).read_text())["file"] == f"{slug}.csv"
    assert sorted(p.name for p in (out / "t").iterdir() if p.is_dir()) == ["courts", "harbour"]
    assert not done.ok and done.failed == ["broken"]
    assert [entry.slug for entry in done.drafts] == ["court-draft"]


def test_each_export_is_the_one_timelines_export_byte_for_byte(exported, tmp_path):
    folder, out, _, _, _ = exported
    for slug in ("courts", "harbour"):
        alone = tmp_path / slug
        static_export.export_static(
            snapshot_of((folder / f"{slug}.csv").read_bytes(), f"{slug}.csv"), alone,
            Config(), TODAY, explorer_url=EXPLORER.format(slug=slug))
        written = {p.name: p.read_bytes() for p in (out / "t" / slug).iterdir()}
        assert written.pop(MARKER)
        assert written == {p.name: p.read_bytes() for p in alone.iterdir()}
    page = (out / "t" / "harbour" / "index.html").read_text("utf-8")
    assert "https://news.example/t/harbour/" in page


def test_the_scripts_are_compressed_once_for_every_timeline(exported):
    _, out, _, _, compressed = exported
    scripts = [p for p in (out / "t" / "harbour").glob("*.js")]
    assert len(scripts) >= 2  # the embed's bundle and plotly.js
    for script in scripts:
        assert (out / "t" / "courts" / script.name).read_bytes() == script.read_bytes()
        assert compressed.count(hashlib.sha256(script.read_bytes()).hexdigest()) == 1


def test_the_index_lists_exactly_the_published_titles_with_working_links(exported):
    _, out, _, _, _ = exported
    for page in (out / "t" / "index.html", out / "index.html"):
        links = links_of(page)
        assert sorted(links.titles) == sorted([HARBOUR_TITLE, COURTS_TITLE])
        assert links.hrefs and all(not href.startswith(("/", "http")) for href in links.hrefs)
        assert {(page.parent / href).resolve() for href in links.hrefs} == {
            (out / "t" / slug / "index.html").resolve() for slug in ("courts", "harbour")}
        [script] = links.scripts
        assert (page.parent / script).read_bytes() == (
            ROOT / "timeline" / "folder" / "web" / "index-search.js").read_bytes()
        text = page.read_text("utf-8")
        assert text.splitlines()[1] == INDEX_MARK
        assert "/edit" not in text and "Embed" not in text  # a static site has neither


def test_text_from_the_csv_is_escaped_in_the_index(exported):
    _, out, _, _, _ = exported
    page = (out / "t" / "index.html").read_text("utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;court&quot;)&lt;/script&gt; &amp; &quot;appeals&quot;" in page


def test_what_was_left_out_is_said_with_each_error_and_its_line(exported):
    folder, out, _, said, _ = exported
    broken = folder / "broken.csv"
    assert f"{broken}:9: end: error: the event ends (2024-01-10) before it starts " \
           f"(2024-01-12); check both dates, or swap them" in said
    assert any(line.startswith(f"{broken}:11: start: error: '2024-13-45'") for line in said)
    assert f"{broken}: 2 errors: not exported; fix them and export again" in said
    assert any(line.startswith(f"{folder / 'court-draft.csv'}: left out: a draft")
               and "--include-drafts" in line for line in said)
    assert any(line.startswith(f"{folder / 'Old notes.csv'}: left out: a timeline's file "
                               f"name is its address") for line in said)
    assert f"{folder / 'harbour.csv'}: exported 5 events to {out / 't' / 'harbour'}/ " \
           f"(18 files)" in said
    assert not (out / "t" / "broken").exists() and not (out / "t" / "court-draft").exists()


# ---------------------------------------------------------------- the command line

def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, encoding="utf-8", errors="replace", timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_export_without_a_file_exports_the_folder_data_and_exits_1_for_a_broken_one(tmp_path):
    newsroom_folder(tmp_path / "data")
    result = run("export", "--out", "public", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert os.path.join("data", "broken.csv") + ":9: end: error: the event ends" in \
        result.stderr
    assert f"data: exported 2 timelines to public/, 2 left out; open " \
           f"{os.path.join('public', 't', 'index.html')}" == lines[-1]
    assert result.stdout == ""
    assert sorted(links_of(tmp_path / "public" / "t" / "index.html").titles) == sorted(
        [HARBOUR_TITLE, COURTS_TITLE])


def test_a_folder_without_errors_exits_0_and_drafts_come_with_include_drafts(tmp_path, capsys):
    folder = newsroom_folder(tmp_path / "data")
    (folder / "broken.csv").unlink()
    out = tmp_path / "public"
    assert cli.main(["export", str(folder), "--out", str(out), "--include-drafts",
                     "--lang", "en"]) == 0
    said = capsys.readouterr()
    assert said.out == "" and "left out: a draft" not in said.err
    assert sorted(links_of(out / "t" / "index.html").titles) == sorted(
        [HARBOUR_TITLE, COURTS_TITLE, "A case not yet told draft"])
    assert (out / "t" / "court-draft" / "index.html").is_file()
    assert not (out / "t" / "court-draft" / "index.ru.html").exists()  # --lang en


def test_an_export_again_removes_what_is_no_longer_published_and_only_that(tmp_path, capsys):
    folder = newsroom_folder(tmp_path / "data")
    for name in ("broken.csv", "court-draft.csv", "Old notes.csv"):
        (folder / name).unlink()
    out = tmp_path / "public"
    assert cli.main(["export", str(folder), "--out", str(out)]) == 0
    # Someone else's folders in t/, and a page of theirs at the top.
    for name in ("archive", "notes-2025"):
        (out / "t" / name).mkdir()
        (out / "t" / name / "index.html").write_text("theirs")
    (out / "index.html").write_text("<!doctype html><title>Our newsroom</title>")
    (out / "t" / ".courts.partial").mkdir()  # an export stopped half-way
    # The courts a draft again, the harbour's file gone, the tides new.
    (folder / "courts.csv").write_bytes(with_title_row(
        (folder / "courts.csv").read_bytes(), settings="status=draft"))
    (folder / "harbour.csv").rename(folder / "tides.csv")
    capsys.readouterr()
    assert cli.main(["export", str(folder), "--out", str(out)]) == 0
    said = capsys.readouterr().err.splitlines()
    assert f"{out / 't' / 'courts'}/: removed: an earlier export of a timeline no longer " \
           f"published" in said
    assert f"{out / 't' / 'harbour'}/: removed: an earlier export of a timeline no longer " \
           f"published" in said
    assert sorted(p.name for p in (out / "t").iterdir() if p.is_dir()) == [
        "archive", "notes-2025", "tides"]
    assert (out / "t" / "notes-2025" / "index.html").read_text() == "theirs"
    assert (out / "index.html").read_text() == "<!doctype html><title>Our newsroom</title>"
    assert f"{out / 'index.html'}: left as it is (not written by this export); the index " \
           f"is {out / 't' / 'index.html'}" in said
    assert links_of(out / "t" / "index.html").titles == [HARBOUR_TITLE]
    assert not list((out / "t").glob(".*"))  # no half-written copy left behind


def test_a_timeline_broken_since_its_last_export_keeps_it_but_leaves_the_index(tmp_path,
                                                                               capsys):
    folder, out = tmp_path / "data", tmp_path / "public"
    folder.mkdir()
    harbour = folder / "harbour.csv"
    harbour.write_bytes((TIMELINES / "harbour.csv").read_bytes())
    assert cli.main(["export", str(folder), "--out", str(out), "--lang", "en"]) == 0
    before = (out / "t" / "harbour" / "index.html").read_bytes()
    harbour.write_bytes(harbour.read_bytes().replace(b"2024-02-01", b"2024-02-31"))
    assert cli.main(["export", str(folder), "--out", str(out), "--lang", "en"]) == 1
    said = capsys.readouterr().err
    assert f"{harbour}:7: start: error: '2024-02-31' does not exist" in said
    assert "not exported (its earlier export stays, off the index)" in said
    assert (out / "t" / "harbour" / "index.html").read_bytes() == before
    assert links_of(out / "t" / "index.html").titles == []


def test_a_folder_in_the_way_that_is_not_an_export_is_left_and_said(tmp_path, capsys):
    folder = newsroom_folder(tmp_path / "data")
    (folder / "broken.csv").unlink()
    out = tmp_path / "public"
    (out / "t" / "courts").mkdir(parents=True)
    (out / "t" / "courts" / "notes.txt").write_text("ours, not the export's")
    assert cli.main(["export", str(folder), "--out", str(out), "--lang", "en"]) == 1
    said = capsys.readouterr().err
    assert f"{out / 't' / 'courts'}: error: this is there already and was not written by a " \
           f"folder export" in said
    assert [p.name for p in (out / "t" / "courts").iterdir()] == ["notes.txt"]
    assert links_of(out / "t" / "index.html").titles == [HARBOUR_TITLE]


@pytest.mark.parametrize("arguments, message", [
    (["--out", "{tmp}/public"], "no timelines here (no <slug>.csv files); nothing exported"),
    (["--out", "{tmp}/public", "--explorer-url", "https://news.example/"],
     "--explorer-url for a folder names each timeline's explorer with {slug}"),
    (["--format", "timelinejs"], "a folder of timelines is exported as static pages"),
    (["--format", "static"], "a static export needs a folder: --out DIR"),
], ids=["empty", "explorer-url", "timelinejs", "no-out"])
def test_a_folder_that_cannot_be_exported_is_one_message_and_exit_1(tmp_path, capsys,
                                                                   arguments, message):
    (tmp_path / "data").mkdir()
    assert cli.main(["export", str(tmp_path / "data"),
                     *(a.format(tmp=tmp_path) for a in arguments)]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "public").exists()


def test_without_a_file_or_a_data_folder_it_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "--out", "public"]) == 1
    assert "data: error: no such folder; give a timeline's CSV file or a folder of them" in \
        capsys.readouterr().err
    assert not (tmp_path / "public").exists()
