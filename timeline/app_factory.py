"""Build the Dash app from a config, so tests, `app.py` and gunicorn each make their own."""
from __future__ import annotations

import pandas as pd
from dash import Dash

from timeline.callbacks import register_callbacks
from timeline.config import REPOSITORY, Config
from timeline.layout import build_layout
from timeline.loading import load_events
from timeline.report import Report
from timeline.transforms import prepare_events


class DataFileError(Exception):
    """The data file has errors: the app must not start on it."""

    def __init__(self, path: str, report: Report):
        super().__init__(f"{path}: {report.summary()}")
        self.path = path
        self.report = report


def load_prepared_events(config: Config) -> tuple[pd.DataFrame, Report]:
    result = load_events(config.data_path)
    if not result.report.ok:
        raise DataFileError(str(config.data_path), result.report)
    return prepare_events(result.events), result.report


def create_app(config: Config | None = None) -> Dash:
    config = config or Config.from_environment()
    events, _ = load_prepared_events(config)
    app = Dash(__name__, assets_folder=str(REPOSITORY / "assets"), title=config.title,
               update_title=None, serve_locally=True)
    app.layout = build_layout(events, config)
    register_callbacks(app, lambda: events, config)
    return app
