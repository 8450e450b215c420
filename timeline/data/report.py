"""What is wrong with a file, said so an editor can find it and fix it.

A `Problem` points at a line as a text editor numbers it (the header is line 1;
a record whose quoted value spans lines is reported on the line it starts on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]

# Values end up inside messages; a line break or a terminal control code in one
# must not break the one-line-per-problem output.
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self, path: str) -> str:
        """`PATH:LINE: column: error: message`, leaving out what is unknown."""
        where = path if self.line is None else f"{path}:{self.line}"
        parts = [where]
        if self.column:
            parts.append(self.column)
        parts.append(f"{self.severity}: {self.message}")
        return _one_line(": ".join(parts))


def error(line: int | None, column: str | None, message: str) -> Problem:
    return Problem(line, column, message, "error")


def warning(line: int | None, column: str | None, message: str) -> Problem:
    return Problem(line, column, message, "warning")


def _one_line(text: str) -> str:
    text = _LINE_BREAKS.sub(" ⏎ ", text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...] = ()
    rows: int = 0  # data rows read (blank rows not counted)

    def __post_init__(self) -> None:
        # File-wide problems (no line) first, then by line; stable within a line
        # so a row's problems stay in column order.
        ordered = sorted(self.problems, key=lambda p: (p.line is not None, p.line or 0))
        object.__setattr__(self, "problems", tuple(ordered))

    @classmethod
    def of(cls, problems: Iterable[Problem], rows: int = 0) -> "Report":
        return cls(tuple(problems), rows)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when the file is usable: warnings are allowed, errors are not."""
        return not self.errors

    def format_lines(self, path: str) -> list[str]:
        return [p.format(path) for p in self.problems]

    def summary(self) -> str:
        """'2 errors, 1 warning in 27 rows' or 'no problems in 27 rows'."""
        counts = []
        if self.errors:
            counts.append(_plural(len(self.errors), "error"))
        if self.warnings:
            counts.append(_plural(len(self.warnings), "warning"))
        found = ", ".join(counts) or "no problems"
        return f"{found} in {_plural(self.rows, 'row')}"
