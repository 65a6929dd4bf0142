"""Fixtures of the Python tests: the bundled news graph's files, a store per
test, and the paths CTest passes (RELATA_NEWS_DIR, RELATA_BINARY)."""
import glob
import os

import pytest

import relata

NEWS_DIR = os.environ["RELATA_NEWS_DIR"]


@pytest.fixture
def news_files():
    return sorted(glob.glob(os.path.join(NEWS_DIR, "*.jsonl")))


@pytest.fixture
def db(tmp_path):
    database = relata.Database.open(str(tmp_path / "db"))
    yield database
    database.close()


@pytest.fixture
def news(db, news_files):
    db.load(news_files)
    return db
