"""Settings for one running timeline: committed defaults, overridden from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

# Each setting's environment variable, documented in the README.
ENVIRONMENT = {
    "data_path": "TIMELINE_DATA",
    "title": "TIMELINE_TITLE",
    "subtitle": "TIMELINE_SUBTITLE",
    "public_url": "TIMELINE_PUBLIC_URL",
    "edit_secret": "TIMELINE_EDIT_SECRET",
}


@dataclass(frozen=True)
class Config:
    data_path: Path = REPOSITORY / "data" / "events.csv"
    title: str = "Russia and North Korea: a timeline"
    subtitle: str = ("From the first Kremlin visit to Pyongyang to the car Putin gave Kim "
                     "Jong-un, and the weapons, troops and treaty between them.")
    # Where readers reach the app, for embed snippets; empty means "as the request says".
    public_url: str = ""
    # The editors' shared secret; empty keeps /edit/ closed. Never printed.
    edit_secret: str = field(default="", repr=False)

    @classmethod
    def from_environment(cls, **overrides) -> Config:
        values = {field: os.environ[variable] for field, variable in ENVIRONMENT.items()
                  if os.environ.get(variable)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_path" in values:
            values["data_path"] = Path(values["data_path"])
        return cls(**values)
