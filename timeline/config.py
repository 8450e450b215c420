"""Settings for one running timeline: committed defaults, overridden from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_TITLE = "Timeline"
# In a folder of timelines, the one served at / and /embed as before issue 18.
DEFAULT_FILE_NAME = "events.csv"

# Each setting's environment variable, documented in the README.
ENVIRONMENT = {
    "data_path": "TIMELINE_DATA",
    "title": "TIMELINE_TITLE",
    "subtitle": "TIMELINE_SUBTITLE",
    "public_url": "TIMELINE_PUBLIC_URL",
    "edit_secret": "TIMELINE_EDIT_SECRET",
    "frame_ancestors": "TIMELINE_FRAME_ANCESTORS",
    "allowed_hosts": "TIMELINE_ALLOWED_HOSTS",
    "cache_dir": "TIMELINE_CACHE_DIR",
    "cache_max_mb": "TIMELINE_CACHE_MAX_MB",
    "trusted_proxies": "TIMELINE_TRUSTED_PROXIES",
    "edit_idle_minutes": "TIMELINE_EDIT_IDLE_MINUTES",
    "timezone": "TIMELINE_TIMEZONE",
    "history_days": "TIMELINE_HISTORY_DAYS",
    "history_versions": "TIMELINE_HISTORY_VERSIONS",
    "edit_secrets_path": "TIMELINE_EDIT_SECRETS",
}
# Settings counted in minutes; the environment gives them as text.
MINUTE_SETTINGS = ("edit_idle_minutes",)


class ConfigError(ValueError):
    """A setting the app cannot run with; the message names the variable and what is wrong."""


@dataclass(frozen=True)
class Config:
    data_path: Path = REPOSITORY / "data" / "events.csv"
    # A folder of timelines (timeline/folder/): every `<slug>.csv` in it is served at
    # /t/<slug>/, `events.csv` also at / as before. None: `data_path` alone.
    folder: Path | None = None
    # The address this timeline's app answers under, without a final '/' ("/t/harbour"),
    # as the folder mounts it; empty at the site's root.
    mount: str = ""
    # Empty: the data's own title row names the timeline (see docs/data-guide.md).
    title: str = ""
    subtitle: str = ""
    # Where readers reach the app, for embed snippets; empty means "as the request says".
    public_url: str = ""
    # The editors' shared secret; empty keeps /edit/ closed. Never printed.
    edit_secret: str = field(default="", repr=False)
    # Sites that may show /embed in a frame, space-separated origins; "*" is any site.
    frame_ancestors: str = "*"
    # The host names requests may be sent to (timeline/serving/hosts.py); empty: this machine's
    # own (localhost, loopback, the bound address). The public URL's host is always allowed.
    allowed_hosts: str = ""
    # The cache folder (timeline/serving/cache_folder.py); empty: `.timeline-cache`
    # beside the data's folder. At most this many megabytes on disk.
    cache_dir: str = ""
    cache_max_mb: int = 256
    # The reverse proxies whose X-Forwarded-For names the client (timeline/serving/proxies.py).
    trusted_proxies: str = "127.0.0.1 ::1"
    # An editor's session ends after this long without a request (and at 12 hours anyway).
    edit_idle_minutes: int = 120
    # The newsroom's time zone (an IANA name), for the times the editor's history shows.
    timezone: str = "UTC"
    # The editor's history keeps every version younger than this many days, and the
    # newest `history_versions` whatever their age; older ones go at the next save.
    history_days: int = 90
    history_versions: int = 200
    # A file of `slug: secret` lines: those timelines are edited with their own secret
    # (a desk's), the others with `edit_secret`. Never printed.
    edit_secrets_path: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        time_zone(self.timezone)  # a name that is no time zone stops the start, here
        for name in ("history_days", "history_versions"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ConfigError(f"{ENVIRONMENT[name]}: {getattr(self, name)!r} is not a whole "
                                  f"number (1 or more)")

    @property
    def zone(self) -> tzinfo:
        """The newsroom's time zone, for showing times."""
        return time_zone(self.timezone)

    def title_for(self, data) -> str:
        """The timeline's title: the setting, else the data's title row, else a plain word."""
        return self.title or getattr(data, "title", None) or DEFAULT_TITLE

    def subtitle_for(self, data) -> str:
        return self.subtitle or getattr(data, "subtitle", None) or ""

    @classmethod
    def from_environment(cls, **overrides) -> Config:
        values = {field: os.environ[variable] for field, variable in ENVIRONMENT.items()
                  if os.environ.get(variable)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_path" in values:
            values["data_path"] = Path(values["data_path"])
        if values.get("folder") is None:
            # A folder (the default: data/) serves every timeline in it; a file, that one.
            given = values.get("data_path")
            folder = REPOSITORY / "data" if given is None else given
            if folder.is_dir():
                values["folder"], values["data_path"] = folder, folder / DEFAULT_FILE_NAME
        for name in MINUTE_SETTINGS:
            if isinstance(values.get(name), str):
                values[name] = _minutes(ENVIRONMENT[name], values[name])
        for name in ("history_days", "history_versions"):
            if isinstance(values.get(name), str):
                values[name] = _whole_number(ENVIRONMENT[name], values[name])
        if isinstance(values.get("cache_max_mb"), str):
            values["cache_max_mb"] = _megabytes(ENVIRONMENT["cache_max_mb"],
                                                values["cache_max_mb"])
        return cls(**values)


def _minutes(variable: str, text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"{variable}: {text!r} is not a whole number of minutes (1 or more)")
    return number


def _megabytes(variable: str, text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{variable}: {text!r} is not a whole number of megabytes (0 or more)")
    return number


def _whole_number(variable: str, text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigError(f"{variable}: {text!r} is not a whole number (1 or more)")
    return number


def time_zone(name: str) -> tzinfo:
    """The time zone an IANA name (`Europe/Berlin`) names; ConfigError naming
    `TIMELINE_TIMEZONE` when it names none."""
    if name.strip().upper() in ("UTC", "Z"):
        return timezone.utc  # needs no time zone database
    try:
        # A relative path or a key with '..' is refused by zoneinfo itself (ValueError).
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(f"{ENVIRONMENT['timezone']}: {name!r} is not a time zone name; use "
                          f"an IANA name such as Europe/Berlin or America/New_York "
                          f"(default UTC)") from None
