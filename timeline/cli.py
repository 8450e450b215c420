"""Command line: `python -m timeline validate|import|export …`.

    python -m timeline validate [PATH] [--max-mb MB]   # PATH a folder: each timeline in it
    python -m timeline import PATH [--out FILE] [--max-mb MB]
    python -m timeline export --format timelinejs [PATH] [--out FILE] [--max-mb MB]
    python -m timeline export PATH --out DIR [--max-mb MB]   # the embed as static files
    python -m timeline export [FOLDER] --out DIR   # every published timeline, and an index
    (export refuses a draft timeline, `status=draft`, without --include-drafts)
    python -m timeline synth --n N --seed S [--out FILE]

Thin on purpose: the work is in `loading` and `interchange`; this only reads,
writes, prints and sets the exit code (0 done, 1 not: errors are messages,
never tracebacks). New commands (synth, …) are added as subparsers.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from timeline.data.schema import LANGUAGES

if TYPE_CHECKING:
    from timeline.data.loading import LoadResult, SizeLimit
    from timeline.data_store import Snapshot

# Each command imports what it needs when it runs: `validate` should not wait for
# the import and export code.
DEFAULT_PATH = os.path.join("data", "events.csv")
DEFAULT_FOLDER = "data"  # a static export without a file exports the folder (issue 18)
# The app refuses files over 50 MiB (loading.MAX_FILE_BYTES: its memory serves every
# reader). The command line is an editor's own tool on their own file, so it reads far
# larger ones: 1,000 MB is about 2.4 million events, and checking it takes about 5 GB
# of memory. --max-mb raises it on a machine that has more.
COMMAND_LINE_MAX_BYTES = 1_000_000_000
MAX_MB_HELP = (f"refuse files larger than this many MB (default: "
               f"{COMMAND_LINE_MAX_BYTES // 1_000_000:,}; the app itself reads at most 50)")


def _limit(args: argparse.Namespace) -> SizeLimit:
    from timeline.data.loading import SizeLimit
    max_bytes = (COMMAND_LINE_MAX_BYTES if args.max_mb is None
                 else int(args.max_mb * 1_000_000))
    return SizeLimit(max_bytes, advice=(
        "is it the right file? If it is, raise the limit with --max-mb (reading a file "
        "takes about 5 to 10 times its size in memory)"))


def _size_in_mb(text: str) -> float:
    """--max-mb's value: a positive number."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a size in MB, e.g. 2000")
    return value


def _validate(args: argparse.Namespace) -> int:
    from timeline.data.loading import check_file
    if os.path.isdir(args.path):  # a folder of timelines: each of them
        from timeline.folder.catalogue import Catalogue
        paths = [str(Catalogue(Path(args.path)).path_of(slug))
                 for slug in Catalogue(Path(args.path)).slugs()]
        if not paths:
            print(f"{args.path}: error: this is a folder with no timelines in it (a timeline "
                  f"is a CSV named for its address, such as harbour-fire.csv)\n1 error in 0 rows")
            return 1
    else:
        paths = [args.path]
    failed = 0
    for path in paths:
        report = check_file(path, _limit(args))
        print("\n".join([*report.format_lines(path), f"{path}: {report.summary()}"
                         if len(paths) > 1 else report.summary()]))
        failed += not report.ok
    return 1 if failed else 0


def _say(*lines: str) -> None:
    """Messages go to stderr, so stdout carries only the converted file."""
    for line in lines:
        print(line, file=sys.stderr)


def _write(text: str, out: str | None, path: str) -> str | None:
    """Write `text` to `out` (stdout when None); why not, if it failed."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    if os.path.abspath(out) == os.path.abspath(path):
        return f"{out}: error: --out is the file being read; choose another name"
    try:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        return f"{out}: error: cannot write the file: {exc.strerror or exc}"
    return None


def _import(args: argparse.Namespace) -> int:
    from timeline.data.interchange import import_timelinejs
    from timeline.data.loading import read_file
    limit = _limit(args)
    data = read_file(args.path, limit)
    imported = data if isinstance(data, str) else import_timelinejs(data, limit)
    if isinstance(imported, str):
        _say(f"{args.path}: error: {imported}")
        return 1
    _say(*(p.format(args.path) for p in imported.problems))
    if failure := _write(imported.csv_text, args.out, args.path):
        _say(failure)
        return 1
    verdict = imported.report.summary()
    _say(f"{args.path}: imported {imported.counts}; the CSV has {verdict}")
    if not imported.report.ok:
        _say(f"fix them before publishing: python -m timeline validate "
             f"{args.out or 'FILE'} lists each one")
    return 0 if imported.report.ok else 1


def _export_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "static" if args.out and not args.out.lower().endswith(".json") else "timelinejs"


def _export(args: argparse.Namespace) -> int:
    from timeline.data.interchange import export_timelinejs
    if _export_format(args) == "static":
        if args.path is None or os.path.isdir(args.path):
            return _export_folder(args)
        return _export_static(args)
    if args.path is None:
        args.path = DEFAULT_PATH
    elif os.path.isdir(args.path):
        _say(f"{args.path}: error: a folder of timelines is exported as static pages: "
             f"give the folder to write them to, --out DIR")
        return 1
    loaded = _loaded_for_export(args)
    if loaded is None:
        return 1
    result, _ = loaded
    if failure := _write(export_timelinejs(result, date.today()), args.out, args.path):
        _say(failure)
        return 1
    eras = len(result.eras)
    _say(f"{args.path}: exported {len(result.events)} events"
         + (f" and {eras} era{'s' if eras != 1 else ''}" if eras else "")
         + (f" to {args.out}" if args.out else ""))
    return 0


def _loaded_for_export(args: argparse.Namespace) -> tuple[LoadResult, bytes] | None:
    """(LoadResult, the file's bytes), or None when it cannot be exported (said why).
    Read once and loaded once, without the file's rows as written: only the editor
    needs those, and at a million events they cost gigabytes."""
    from timeline.data.loading import load_events_from_bytes, read_file
    limit = _limit(args)
    data = read_file(args.path, limit)
    if isinstance(data, str):
        _say(f"{args.path}: error: {data}")
        return None
    result = load_events_from_bytes(data, args.path, as_written=False, limit=limit)
    if not result.report.ok:
        _say(*result.report.format_lines(args.path),
             f"{args.path}: {result.report.summary()}: fix the errors before exporting")
        return None
    if result.status == "draft" and not args.include_drafts:  # drafts are the editors' own
        _say(f"{args.path}: error: this timeline is a draft (its title row's settings say "
             f"status=draft), so it is not exported: write status=published to publish it, "
             f"or export it anyway with --include-drafts")
        return None
    return result, data


def _snapshot_for_export(args: argparse.Namespace) -> Snapshot | None:
    """The events prepared as the embed serves them, or None (said why). Nothing else
    of the load outlives this call: the file's bytes only name the data's version, and
    the events as loaded are copied in preparing (at a million events, 1.4 GB)."""
    from timeline.data_store import snapshot_from
    loaded = _loaded_for_export(args)
    return None if loaded is None else replace(snapshot_from(*loaded), data=b"")


def _export_static(args: argparse.Namespace) -> int:
    from timeline.config import Config
    from timeline.embed.static_export import export_static
    if not args.out:
        _say("error: a static export needs a folder: --out DIR")
        return 1
    out = Path(args.out)
    if out.exists() and not out.is_dir():  # said before minutes of loading, not after
        _say(f"{out}: error: this is a file; give a folder for the static export")
        return 1
    snapshot = _snapshot_for_export(args)
    if snapshot is None:
        return 1
    try:
        summary = export_static(snapshot, out, Config.from_environment(), date.today(),
                                explorer_url=args.explorer_url or "", language=args.lang)
    except OSError as exc:
        _say(f"{out}: error: cannot write the export: {exc.strerror or exc}")
        return 1
    _say(f"{args.path}: exported {summary.events} events as a static page to {out}/ "
         f"({summary.files} files; a cold visit loads {summary.page_bytes // 1024} KB, "
         f"{summary.page_bytes_brotli // 1024} KB compressed with brotli)")
    return 0


def _export_folder(args: argparse.Namespace) -> int:
    """Every published timeline of the folder, and their index: folder/export.py."""
    from timeline.config import Config
    from timeline.folder.export import export_folder
    folder = Path(args.path or DEFAULT_FOLDER)
    if not args.out:
        _say("error: a static export needs a folder: --out DIR")
        return 1
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        _say(f"{out}: error: this is a file; give a folder for the static export")
        return 1
    if not folder.is_dir():
        _say(f"{folder}: error: no such folder; give a timeline's CSV file or a folder of them")
        return 1
    explorer_url = args.explorer_url or ""
    if explorer_url and "{slug}" not in explorer_url:
        _say("error: --explorer-url for a folder names each timeline's explorer with {slug} "
             "for its address, e.g. https://timelines.example.org/t/{slug}/")
        return 1
    try:
        done = export_folder(folder, out, Config.from_environment(), date.today(),
                             limit=_limit(args), include_drafts=args.include_drafts,
                             explorer_url=explorer_url, language=args.lang, say=_say)
    except OSError as exc:
        _say(f"{out}: error: cannot write the export: {exc.strerror or exc}")
        return 1
    if done.index is not None:
        left_out = len(done.drafts) + len(done.failed)
        _say(f"{folder}: exported {len(done.exported)} timeline"
             f"{'s' if len(done.exported) != 1 else ''} to {out}/"
             + (f", {left_out} left out" if left_out else "")
             + (f"; open {done.index}" if done.exported else ""))
    return 0 if done.ok else 1


def _synth(args: argparse.Namespace) -> int:
    from timeline.data.synth import synthetic_csv
    if args.n < 0:
        _say("error: --n must be 0 or more")
        return 1
    if failure := _write(synthetic_csv(args.n, args.seed).decode("utf-8"), args.out, ""):
        _say(failure)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m timeline",
                                     description="Tools for the newsroom timeline.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check an events CSV and list its problems",
        description="Check an events CSV (ours, or a TimelineJS sheet saved as CSV). Exits 0 "
                    "when it can be published (warnings allowed), 1 when it has errors.")
    validate.add_argument("path", nargs="?", default=DEFAULT_PATH,
                          help=f"the CSV file (default: {DEFAULT_PATH})")
    validate.add_argument("--max-mb", type=_size_in_mb, metavar="MB", help=MAX_MB_HELP)
    validate.set_defaults(run=_validate)

    importer = commands.add_parser(
        "import", help="convert a TimelineJS sheet (CSV) or JSON file into our CSV",
        description="Convert a TimelineJS file (a sheet saved as CSV, or TimelineJS JSON) "
                    "into an events CSV. What could not be kept is listed on stderr. Exits 0 "
                    "when the result is ready to publish, 1 when it has errors to fix (it is "
                    "still written) or the file could not be converted.")
    importer.add_argument("path", help="the TimelineJS .csv or .json file")
    importer.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")
    importer.add_argument("--max-mb", type=_size_in_mb, metavar="MB", help=MAX_MB_HELP)
    importer.set_defaults(run=_import)

    exporter = commands.add_parser(
        "export", help="write the timeline in another tool's format, or as static files",
        description="Write an events CSV as TimelineJS3 JSON, or (--out DIR) as static files. "
                    "Actors, certainty and sources have no place in TimelineJS and are left "
                    "out. Exits 1, writing nothing, when the CSV has errors, or is a draft "
                    "(its title row's settings say status=draft) and --include-drafts is not "
                    "given. A folder (the default for --out DIR: data/) exports every "
                    "published timeline in it to DIR/t/<slug>/ and their index to "
                    "DIR/t/index.html and DIR/index.html; drafts are left out, and a "
                    "timeline with errors is left out with its errors listed (exit 1, the "
                    "others exported).")
    exporter.add_argument("--format", choices=("static", "timelinejs"),
                          help="static: the embed as a folder of static files for any host "
                               "or CDN (the default with --out DIR); timelinejs: TimelineJS3 "
                               "JSON (the default otherwise)")
    exporter.add_argument("path", nargs="?", default=None,
                          help=f"the CSV file, or a folder of them (default: the folder "
                               f"{DEFAULT_FOLDER}/ with --out DIR, else {DEFAULT_PATH})")
    exporter.add_argument("--out", metavar="OUT", help="the folder for a static export, or the "
                                                       "JSON file (default: stdout)")
    exporter.add_argument("--explorer-url", help="static export: the full explorer's address, "
                                                 "for the page's 'Open the full timeline' "
                                                 "link; for a folder, with {slug} for each "
                                                 "timeline's address")
    exporter.add_argument("--lang", choices=tuple(LANGUAGES),
                          help="static export: only the page in this language, as "
                               "index.html (default: the timeline's own language, its title "
                               "row's `language` or en, as index.html, and each other "
                               "language beside it as index.<lang>.html)")
    exporter.add_argument("--include-drafts", action="store_true",
                          help="export drafts too (a title row saying status=draft): "
                               "without it a draft given alone is refused, and a folder's "
                               "drafts are left out")
    exporter.add_argument("--max-mb", type=_size_in_mb, metavar="MB", help=MAX_MB_HELP)
    exporter.set_defaults(run=_export)

    synth = commands.add_parser(
        "synth", help="write a synthetic events CSV, for benchmarks",
        description="Write a valid events CSV of N made-up events; the same seed gives the "
                    "same file.")
    synth.add_argument("--n", type=int, default=1000, help="how many events (default: 1000)")
    synth.add_argument("--seed", type=int, default=1, help="the random seed (default: 1)")
    synth.add_argument("--out", metavar="FILE", help="write the CSV here (default: stdout)")
    synth.set_defaults(run=_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Names in any script must print even on a terminal that cannot show them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `… | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
