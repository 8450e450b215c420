"""Desks' own secrets, `TIMELINE_EDIT_SECRETS`: a file of `slug: secret` lines.

For a newsroom where each desk edits only its own timelines: a timeline written
here is opened by its secret (and by the editors' shared one, if set); one that is
not, by the shared secret alone. Blank lines and lines starting with `#` are left
out. A line the app cannot use stops the start with its line number, never the
secret itself: the log is read by more people than the file.
"""
from __future__ import annotations

from pathlib import Path

from timeline.config import ENVIRONMENT, ConfigError

VARIABLE = ENVIRONMENT["edit_secrets_path"]


def read_desk_secrets(path: str | Path) -> tuple[tuple[str, str], ...]:
    """The (slug, secret) pairs of the file at `path`; ConfigError naming the line
    of any that cannot be used."""
    from timeline.editor.access import MIN_SECRET_LENGTH, secret_problem
    from timeline.folder.catalogue import slug_problem
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{VARIABLE}: {path} cannot be read ({error})") from None
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        slug, colon, secret = line.partition(":")
        slug, secret = slug.strip(), secret.strip()
        where = f"{VARIABLE}: {path}, line {number}"
        if not colon:
            raise ConfigError(f"{where}: write `slug: secret` (the timeline's address, a "
                              f"colon, then its secret)")
        if problem := slug_problem(slug):
            raise ConfigError(f"{where}: {problem}")
        if problem := secret_problem(secret):
            raise ConfigError(f"{where}: {problem} (at least {MIN_SECRET_LENGTH} characters)")
        if slug in pairs:
            raise ConfigError(f"{where}: {slug} already has a secret on an earlier line")
        pairs[slug] = secret
    return tuple(sorted(pairs.items()))
