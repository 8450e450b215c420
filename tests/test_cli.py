"""`python -m timeline validate`, run for real: output lines, exit codes, no tracebacks."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from timeline import cli, loading

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
    ("error_shifted_columns.csv", "5 errors in 2 rows", 1),
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
