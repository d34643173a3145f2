import pytest

from kontorhaus.documents import registry


@pytest.fixture(autouse=True)
def _clean_registry():
    saved = dict(registry._sources)
    yield
    registry._sources.clear()
    registry._sources.update(saved)
