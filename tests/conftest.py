import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from geo.actors import default_lexicon
from geo.documents import make_document
from geo.gazetteer import default_gazetteer
from geo.pipeline import Geoparser

DATA = Path(__file__).parent / "data"
SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture(scope="session")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="session")
def lexicon():
    return default_lexicon()


@pytest.fixture(scope="session")
def geoparser(gazetteer, lexicon):
    return Geoparser(gazetteer, lexicon)


@pytest.fixture(scope="session")
def parse(geoparser):
    """Text → its events' rows, published on 2025-03-12 (a Wednesday) unless told otherwise."""

    def run(text, published=dt.date(2025, 3, 12)):
        return [e.as_row() for e in geoparser.parse(make_document(text, published=published))]

    return run


@pytest.fixture(scope="session")
def seed_article() -> Path:
    return DATA / "kursk_article.txt"


@pytest.fixture(scope="session")
def load_script():
    """A script of scripts/ by name, as a module (the scripts are not a package)."""
    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load
