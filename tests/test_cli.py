"""`python -m timeline validate`, run for real: output lines, exit codes, no tracebacks."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support import EVENTS_FIXTURE
from timeline import cli
from timeline.data import loading, schema

ROOT = Path(__file__).resolve().parent.parent
MESSY = Path(__file__).parent / "data" / "messy"


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, env=environment,
                            capture_output=True, text=True, encoding="utf-8",
                            errors="replace", timeout=60)
    assert "Traceback" not in result.stdout + result.stderr
    return result


FIXTURES = sorted(p.name for p in MESSY.iterdir() if p.suffix in (".csv", ".txt"))


@pytest.fixture(scope="module")
def validated() -> dict[str, subprocess.CompletedProcess]:
    """Every fixture validated once, in parallel: each run starts a fresh Python."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        runs = pool.map(lambda name: run("validate", str(MESSY / name)), FIXTURES)
        return dict(zip(FIXTURES, runs))


@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_gives_lines_a_summary_and_the_right_exit_code(name, validated):
    path = str(MESSY / name)
    result = validated[name]
    lines = result.stdout.splitlines()
    problems, summary = lines[:-1], lines[-1]
    assert all(line.startswith(path + ":") for line in problems)
    assert summary.endswith(("row", "rows"))
    has_errors = any(": error: " in line for line in problems)
    assert result.returncode == (1 if has_errors else 0)
    assert (" error" in summary) == has_errors


@pytest.mark.parametrize("name, expected", [
    ("error_end_before_start.csv", "{path}:3: end: error: the event ends (2023-09-12) before it "
                                   "starts (2023-09-13); check both dates, or swap them"),
    ("error_missing_column.csv", "{path}:1: title: error: the header has no 'title' column"),
    ("error_too_many_fields.csv", "{path}:3: error: this row has 16 values"),
    ("warning_no_source.csv", "{path}:3: source: warning: no source"),
    ("warning_unknown_column.csv", "{path}:1: warning: unknown column 'internal_ref'"),
    ("windows1252.csv", "{path}: warning: the file is not UTF-8"),
    ("not_csv_xlsx.csv", "{path}: error: this is not a CSV file"),
])
def test_problem_lines(name, expected, validated):
    path = str(MESSY / name)
    lines = validated[name].stdout.splitlines()
    assert lines[0].startswith(expected.format(path=path))


@pytest.mark.parametrize("name, summary, code", [
    ("utf8_bom.csv", "no problems in 3 rows", 0),
    ("windows1252.csv", "1 warning in 3 rows", 0),
    # (Its shifted 'Kim Jong-un' lands in category: without category rows, a category.)
    ("error_shifted_columns.csv", "4 errors in 2 rows", 1),
    ("error_unclosed_quote.csv", "1 error in 2 rows", 1),
    ("utf16_unicode_text.txt", "no problems in 1 row", 0),
])
def test_summary_and_exit_code(name, summary, code, validated):
    result = validated[name]
    assert result.stdout.splitlines()[-1] == summary
    assert result.returncode == code


def test_default_path_is_data_events_csv(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_bytes((MESSY / "warning_no_source.csv").read_bytes())
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith(
        os.path.join("data", "events.csv") + ":3: source: warning:")


def test_the_newsrooms_data_file_validates():
    # The one test of the live data/events.csv (by the default path): what the
    # newsroom serves must validate. Every other test uses the frozen copy.
    result = run("validate")
    assert result.returncode == 0, result.stdout
    assert " error" not in result.stdout.splitlines()[-1], result.stdout


@pytest.mark.parametrize("make_path, fragment", [
    (lambda tmp: tmp / "missing.csv", "no file here"),
    (lambda tmp: tmp, "is a folder"),
])
def test_unreadable_paths_fail_cleanly(tmp_path, make_path, fragment):
    path = str(make_path(tmp_path))
    result = run("validate", path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{path}: error: ")
    assert fragment in result.stdout
    assert result.stdout.splitlines()[-1] == "1 error in 0 rows"


def test_a_file_without_permission(tmp_path, monkeypatch, capsys):
    # Root reads any file, so the refusal is simulated where the loader opens it.
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(loading, "open", denied, raising=False)
    assert cli.main(["validate", str(tmp_path / "locked.csv")]) == 1
    assert "permission denied" in capsys.readouterr().out


def test_binary_junk_fails_cleanly(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(os.urandom(4096))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2


def test_lines_name_line_and_column_for_a_multiline_file(validated):
    path = str(MESSY / "quoted_multiline.csv")
    assert validated["quoted_multiline.csv"].stdout.splitlines() == [
        f"{path}:5: start: error: '2023-02-30' does not exist: February 2023 has 28 days",
        "1 error in 4 rows",
    ]


def test_output_survives_a_terminal_that_cannot_show_the_letters():
    result = run("validate", str(MESSY / "warning_mixed_script.csv"),
                 env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert "\\u0421osmodrome" in result.stdout


def test_values_cannot_break_the_one_line_per_problem_output(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'id,start,title,actors,category,source\n'
                     b'a,"13/09\n2023\x1b[2J",T,Kim,military,KCNA\n')
    lines = run("validate", str(path)).stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{path}:2: start: error:")
    assert "\x1b" not in lines[0]


def test_without_a_command_it_shows_help():
    result = run()
    assert result.returncode == 2 and "validate" in result.stdout


def test_help_lists_the_validate_command():
    result = run("validate", "--help")
    assert result.returncode == 0 and "data/events.csv" in result.stdout


# ------------------------------------------------------------------ TimelineJS in and out

CORPUS = Path(__file__).parent / "data" / "timelinejs"


def test_a_timelinejs_sheet_validates_as_it_is():
    path = str(CORPUS / "women_in_computing.csv")
    result = run("validate", path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].endswith("in 11 rows")


@pytest.mark.parametrize("name", ["women_in_computing.csv", "republican_timeline3.json"])
def test_import_prints_our_csv_and_reports_on_stderr(name):
    result = run("import", str(CORPUS / name))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(schema.COLUMN_NAMES)
    assert result.stderr.splitlines()[-1].startswith(f"{CORPUS / name}: imported ")


def test_import_writes_out_and_the_result_validates(tmp_path):
    out = tmp_path / "events.csv"
    result = run("import", str(CORPUS / "houston_timeline3.json"), "--out", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert "imported 18 events, a title" in result.stderr
    assert run("validate", str(out)).returncode == 0


def test_export_writes_timelinejs_json_that_imports_back(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_bytes(EVENTS_FIXTURE.read_bytes())
    out = tmp_path / "timeline.json"
    result = run("export", "--format", "timelinejs", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "exported 27 events" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["events"]) == 27
    back = run("import", str(out))
    assert back.returncode == 0 and back.stdout.count("\n") == 29  # header, 27 events, the title


def test_export_to_stdout_is_json_only():
    result = run("export", "--format", "timelinejs", str(EVENTS_FIXTURE))
    assert result.returncode == 0
    assert json.loads(result.stdout)["events"]


@pytest.mark.parametrize("command, make_file, fragment", [
    ("import", lambda tmp: tmp / "missing.json", "no file here"),
    ("import", lambda tmp: _write(tmp / "bad.json", b'{"events": [}'), "not valid JSON"),
    ("import", lambda tmp: _write(tmp / "ours.csv", b"id,start,title\na,2023,T\n"),
     "not a TimelineJS file"),
    ("import", lambda tmp: _write(tmp / "list.json", b"[]"), "not a TimelineJS timeline"),
    ("import", lambda tmp: tmp, "is a folder"),
    ("export", lambda tmp: tmp / "missing.csv", "no file here"),
    ("export", lambda tmp: _write(tmp / "broken.csv", b"id,start,title,actors,category\n"
                                                      b"a,13/09/2023,T,Kim,military\n"),
     "fix the errors before exporting"),
])
def test_conversion_failures_are_one_clear_message_and_exit_1(tmp_path, command, make_file,
                                                             fragment, capsys):
    # In-process, so the many cases stay quick; main() returning is itself the proof
    # that nothing was raised (a subprocess run above checks the real command line).
    path = str(make_file(tmp_path))
    assert cli.main([command, path]) == 1
    output = capsys.readouterr()
    assert output.out == ""
    assert fragment in output.err
    assert output.err.startswith(f"{path}:")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_import_refuses_to_overwrite_what_it_reads(tmp_path, capsys):
    path = _write(tmp_path / "sheet.csv", (CORPUS / "women_in_computing.csv").read_bytes())
    assert cli.main(["import", str(path), "--out", str(path)]) == 1
    assert "choose another name" in capsys.readouterr().err
    assert path.read_bytes() == (CORPUS / "women_in_computing.csv").read_bytes()


def test_import_to_a_folder_that_does_not_exist_fails_cleanly(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir.csv"
    assert cli.main(["import", str(CORPUS / "marktwain.json"), "--out", str(out)]) == 1
    assert "cannot write the file" in capsys.readouterr().err


def test_a_converted_file_with_errors_is_written_and_exits_1(tmp_path, capsys):
    source = _write(tmp_path / "t.json", json.dumps({"events": [
        {"start_date": {"year": "19x3"}, "text": {"headline": "Bad year"}}]}).encode())
    out = tmp_path / "events.csv"
    assert cli.main(["import", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "start_date.year: error: event 1 ('Bad year'): '19x3' is not a number" in err
    assert "python -m timeline validate" in err
    assert "Bad year" in out.read_text(encoding="utf-8")


def test_help_lists_every_command():
    result = run("--help")
    assert all(command in result.stdout for command in ("validate", "import", "export"))


# ------------------------------------------------------------------ how large a file may be

# The app refuses what is over loading.MAX_FILE_BYTES; the command line has its own,
# larger limit (cli.COMMAND_LINE_MAX_BYTES). Both are lowered here, so that the
# 17 KB fixture is over the app's limit and under the command line's.
APP_LIMIT, COMMAND_LINE_LIMIT = 1_000, 100_000


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", APP_LIMIT)
    monkeypatch.setattr(cli, "COMMAND_LINE_MAX_BYTES", COMMAND_LINE_LIMIT)
    assert APP_LIMIT < EVENTS_FIXTURE.stat().st_size < COMMAND_LINE_LIMIT


def test_the_command_line_reads_files_over_the_apps_limit(small_limits, tmp_path, capsys):
    # The app (and the editor's upload) still refuse it.
    [refused] = loading.load_events_from_bytes(EVENTS_FIXTURE.read_bytes()).report.problems
    assert "too large" in refused.message
    assert cli.main(["validate", str(EVENTS_FIXTURE)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no problems in 28 rows"
    assert cli.main(["export", str(EVENTS_FIXTURE), "--out", str(tmp_path / "site")]) == 0
    assert "exported 27 events as a static page" in capsys.readouterr().err
    assert cli.main(["export", "--format", "timelinejs", str(EVENTS_FIXTURE)]) == 0
    assert len(json.loads(capsys.readouterr().out)["events"]) == 27


@pytest.mark.parametrize("command", ["validate", "import", "export"])
def test_a_file_over_the_command_lines_limit_is_refused_by_its_real_size(
        command, small_limits, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_LINE_MAX_BYTES", 10_000)
    size = EVENTS_FIXTURE.stat().st_size
    assert cli.main([command, str(EVENTS_FIXTURE)]) == 1
    said = capsys.readouterr()
    message = (said.out or said.err).splitlines()[0]
    assert message.startswith(f"{EVENTS_FIXTURE}: error: the file is too large ({size:,} bytes;"
                              f" the limit here is 10,000 bytes)")
    assert "--max-mb" in message


def test_max_mb_raises_the_command_lines_limit(small_limits, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_LINE_MAX_BYTES", 10_000)
    assert cli.main(["validate", "--max-mb", "0.02", str(EVENTS_FIXTURE)]) == 0
    assert cli.main(["validate", "--max-mb", "0.01", str(EVENTS_FIXTURE)]) == 1
    assert "the limit here is 10,000 bytes" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan"])
def test_a_max_mb_that_is_not_a_size_is_one_clear_message(value):
    result = run("validate", "--max-mb", value, str(EVENTS_FIXTURE))
    assert result.returncode == 2
    assert f"argument --max-mb: '{value}' is not a size in MB" in result.stderr


def test_a_large_file_is_refused_without_being_read(small_limits, monkeypatch, tmp_path,
                                                    capsys):
    # Its size on disk says enough: a 400 MB file must not be read to be refused.
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: nothing written to the disk
    reads = []
    real_open = open

    class Watched:
        def __init__(self, *args, **kwargs):
            self.handle = real_open(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def fileno(self):
            return self.handle.fileno()

        def read(self, *args):
            reads.append(args)
            return self.handle.read(*args)
    monkeypatch.setattr(loading, "open", Watched, raising=False)
    assert cli.main(["validate", str(path)]) == 1
    assert "too large (50 MB; the limit here is 100,000 bytes)" in capsys.readouterr().out
    assert reads == []


def test_export_loads_the_file_once_without_its_rows_as_written(tmp_path, monkeypatch, capsys):
    # The rows as written are the editor's; at a million events they cost gigabytes.
    loads = []
    real_load = loading._load

    def counted(*args, **kwargs):
        loads.append(args[1])
        return real_load(*args, **kwargs)
    monkeypatch.setattr(loading, "_load", counted)
    assert cli.main(["export", str(EVENTS_FIXTURE), "--out", str(tmp_path / "site")]) == 0
    assert loads == ["events"]
    assert cli.main(["export", "--format", "timelinejs", str(EVENTS_FIXTURE)]) == 0
    assert loads == ["events", "events"]


def test_the_events_as_loaded_are_not_kept_while_the_static_export_runs(tmp_path, monkeypatch):
    # They are copied in preparing; at a million events each copy is 1.4 GB.
    import gc
    import weakref

    from timeline import data_store
    from timeline.embed import static_export
    loaded = []
    real_snapshot, real_export = data_store.snapshot_from, static_export.export_static

    def watched_snapshot(result, data):
        loaded.append(weakref.ref(result.events))
        return real_snapshot(result, data)

    def export_checking(*args, **kwargs):
        gc.collect()
        assert loaded and loaded[0]() is None, "the loaded events are still held"
        return real_export(*args, **kwargs)
    monkeypatch.setattr(data_store, "snapshot_from", watched_snapshot)
    monkeypatch.setattr(static_export, "export_static", export_checking)
    assert cli.main(["export", str(EVENTS_FIXTURE), "--out", str(tmp_path / "site")]) == 0


def test_an_export_into_a_file_is_refused_before_the_data_is_loaded(tmp_path, monkeypatch,
                                                                   capsys):
    loads = []
    monkeypatch.setattr(loading, "_load", lambda *args: loads.append(args))
    target = _write(tmp_path / "site", b"")
    assert cli.main(["export", str(EVENTS_FIXTURE), "--out", str(target)]) == 1
    assert "this is a file; give a folder" in capsys.readouterr().err
    assert loads == []


# ---------------------------------------------------------------- drafts (issue 18)

def _draft(tmp_path: Path) -> Path:
    from test_credit_and_status import with_title_row
    return _write(tmp_path / "draft.csv",
                  with_title_row(EVENTS_FIXTURE.read_bytes(), settings="story; status=draft"))


@pytest.mark.parametrize("format_args", [[], ["--format", "timelinejs"]],
                         ids=["static", "timelinejs"])
def test_a_draft_is_not_exported_without_include_drafts(tmp_path, capsys, format_args):
    draft, out = _draft(tmp_path), tmp_path / ("site" if not format_args else "draft.json")
    assert cli.main(["export", str(draft), "--out", str(out), *format_args]) == 1
    said = capsys.readouterr()
    assert f"{draft}: error: this timeline is a draft" in said.err
    assert "--include-drafts" in said.err and said.out == ""
    assert not out.exists()
    # Asked for, it is exported as any timeline is.
    assert cli.main(["export", str(draft), "--out", str(out), *format_args,
                     "--include-drafts"]) == 0
    assert "exported 27 events" in capsys.readouterr().err
    assert (out / "index.html").exists() if not format_args else json.loads(out.read_text())


def test_the_refusal_is_an_exit_code_and_a_message_from_the_command_line(tmp_path):
    draft = _draft(tmp_path)
    result = run("export", str(draft), "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "is a draft" in result.stderr and "status=published" in result.stderr
    assert not (tmp_path / "site").exists()
    from test_credit_and_status import with_title_row
    published = _write(tmp_path / "published.csv", with_title_row(
        EVENTS_FIXTURE.read_bytes(), settings="status=published"))
    assert run("export", str(published), "--out", str(tmp_path / "site")).returncode == 0
    assert (tmp_path / "site" / "index.html").exists()
