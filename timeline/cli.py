"""Command line: `python -m timeline validate [PATH]`.

Thin on purpose: the work is in `loading`; this only prints and sets the exit
code. New commands (import, export, synth) are added as subparsers.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from timeline.loading import load_events

DEFAULT_PATH = os.path.join("data", "events.csv")


def _validate(args: argparse.Namespace) -> int:
    result = load_events(args.path)
    for line in result.report.format_lines(args.path):
        print(line)
    print(result.report.summary())
    return 0 if result.report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m timeline",
                                     description="Tools for the newsroom timeline.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check an events CSV and list its problems",
        description="Check an events CSV. Exits 0 when it can be published (warnings "
                    "allowed), 1 when it has errors.")
    validate.add_argument("path", nargs="?", default=DEFAULT_PATH,
                          help=f"the CSV file (default: {DEFAULT_PATH})")
    validate.set_defaults(run=_validate)
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
