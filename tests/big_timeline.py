"""A synthetic timeline of thousands of events served by the app, for browser tests at
scale. A test module imports these fixtures and sets `SIZE` (events) and `SEED`."""
from __future__ import annotations

import pytest

from browser import serving
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data.loading import load_events
from timeline.data.synth import synthetic_csv
from timeline.view.transforms import prepare_events


@pytest.fixture(scope="module")
def data_file(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    path.write_bytes(synthetic_csv(request.module.SIZE, seed=request.module.SEED))
    return path


@pytest.fixture(scope="module")
def events(data_file):
    """The prepared events; `attrs["category_labels"]`: what readers call each category
    (the file's category rows), as the count line names them."""
    loaded = load_events(data_file)
    prepared = prepare_events(loaded.events)
    prepared.attrs["category_labels"] = dict(zip(loaded.categories["name"],
                                                 loaded.categories["label"]))
    return prepared


@pytest.fixture(scope="module")
def base_url(data_file):
    with serving(create_app(Config(data_path=data_file, title="Big timeline")).server) as url:
        yield url
