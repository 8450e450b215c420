"""Shared by every test: import paths, and one headless Chromium per test module."""
import sys
from pathlib import Path

import pytest

# Tests import their shared helpers (`support`, `browser`) and the package from the repository.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from browser import chromium  # noqa: E402  (needs the path above)
from support import BUNDLED_CSV, live_data_reads, refuse_the_live_data  # noqa: E402

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
