"""Settings for one running timeline: committed defaults, overridden from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_TITLE = "Timeline"

# Each setting's environment variable, documented in the README.
ENVIRONMENT = {
    "data_path": "TIMELINE_DATA",
    "title": "TIMELINE_TITLE",
    "subtitle": "TIMELINE_SUBTITLE",
    "public_url": "TIMELINE_PUBLIC_URL",
    "edit_secret": "TIMELINE_EDIT_SECRET",
    "frame_ancestors": "TIMELINE_FRAME_ANCESTORS",
}


@dataclass(frozen=True)
class Config:
    data_path: Path = REPOSITORY / "data" / "events.csv"
    # Empty: the data's own title row names the timeline (see docs/data-guide.md).
    title: str = ""
    subtitle: str = ""
    # Where readers reach the app, for embed snippets; empty means "as the request says".
    public_url: str = ""
    # The editors' shared secret; empty keeps /edit/ closed. Never printed.
    edit_secret: str = field(default="", repr=False)
    # Sites that may show /embed in a frame, space-separated origins; "*" is any site.
    frame_ancestors: str = "*"

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
        return cls(**values)
