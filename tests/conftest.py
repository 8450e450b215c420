"""Shared by every test: import paths, and one headless Chromium per test module."""
import sys
from pathlib import Path

import pytest

# Tests import their shared helpers (`support`, `browser`) and the package from the repository.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from browser import chromium  # noqa: E402  (needs the path above)
from support import BUNDLED_CSV, DATA, live_data_reads, refuse_the_live_data  # noqa: E402

# Tests use the frozen tests/data/events.csv; opening the newsroom's own file fails.
sys.addaudithook(refuse_the_live_data)


@pytest.fixture(autouse=True)
def _no_test_reads_the_live_data():
    before = len(live_data_reads)
    yield
    assert len(live_data_reads) == before, f"the test opened {live_data_reads[before:]}"


@pytest.fixture
def data(tmp_path):
    """A copy of the frozen data fixture, for a test to serve, edit or break."""
    path = tmp_path / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    return path


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, started once per module (each test makes its own context)."""
    with chromium() as browser:
        yield browser


# The curated timeline served as readers meet it, for the page tests of issue 15.

@pytest.fixture(scope="module")
def curated_data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("curated") / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def curated_embed_url(request, curated_data_file, tmp_path_factory):
    """The app's /embed, then a static export of the same timeline."""
    from browser import serving_embed
    from timeline.config import Config
    with serving_embed(request.param, Config(data_path=curated_data_file),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.fixture(scope="module")
def curated_explorer_url(curated_data_file):
    from browser import serving
    from timeline.app_factory import create_app
    from timeline.config import Config
    with serving(create_app(Config(data_path=curated_data_file)).server) as url:
        yield url + "/"


@pytest.fixture
def new_page(browser):
    """new_page(viewport or width, touch=False, **context options): a page in a
    context of its own, which records what goes wrong in it (`page.problems`);
    closed after the test."""
    from browser import record_problems
    contexts = []

    def open_page(viewport=None, touch=False, **options):
        if isinstance(viewport, int):  # a width alone
            viewport = {"width": viewport, "height": 900}
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                      has_touch=touch, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return record_problems(context.new_page())
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def timelines_folder(tmp_path):
    """A newsroom's folder of three timelines (issue 18): the curated one as
    events.csv, and the fixtures courts and harbour."""
    folder = tmp_path / "timelines"
    folder.mkdir()
    (folder / "events.csv").write_bytes(BUNDLED_CSV)
    for name in ("courts.csv", "harbour.csv"):
        (folder / name).write_bytes((DATA / "timelines" / name).read_bytes())
    return folder
