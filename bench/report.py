"""Each benchmark writes its own section of docs/performance.md, between markers,
so a rerun replaces its numbers and leaves the rest of the page alone."""
from __future__ import annotations

from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_section(name: str, body: str) -> None:
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    text = PAGE.read_text("utf-8") if PAGE.exists() else "# Performance\n"
    section = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    PAGE.write_text(text, "utf-8")
