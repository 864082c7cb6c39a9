"""Fixtures of the extractor's tests, and the scores they print at the end of the run."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.db import make_engine
from app.extract.lexicon import Lexicon, read_lexicon
from tests.conftest import SEEDS_DIR

GOLD = Path(__file__).with_name("gold.json")
SEEDS = {
    "tongzhou-2022-plan": SEEDS_DIR / "000_5a3d939f8459527b.txt",
    "tongzhou-2023-report": SEEDS_DIR / "001_84618987ce385c34.txt",
}
SCORES = pytest.StashKey[list[str]]()
# Report-style texts written after the reader was frozen, with their gold rows (unseen/README.md).
UNSEEN = Path(__file__).with_name("unseen")
UNSEEN_SCORES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def gold() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(GOLD.read_text(encoding="utf-8"))["rows"]
    return rows


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {doc: path.read_bytes().decode("utf-8") for doc, path in SEEDS.items()}


@pytest.fixture(scope="session")
def lexicon(loaded_db: str) -> Iterator[Lexicon]:
    engine = make_engine(loaded_db)
    with engine.connect() as conn:
        yield read_lexicon(conn)
    engine.dispose()


@pytest.fixture
def scores(request: pytest.FixtureRequest) -> list[str]:
    return request.config.stash.setdefault(SCORES, [])


@pytest.fixture(scope="session")
def unseen() -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Each evaluation text's id → (text, gold rows), from unseen/<id>.txt and <id>.gold.json."""
    documents = {}
    for gold_file in sorted(UNSEEN.glob("*.gold.json")):
        document = gold_file.name.removesuffix(".gold.json")
        text = gold_file.with_name(f"{document}.txt").read_bytes().decode("utf-8")
        rows = json.loads(gold_file.read_text(encoding="utf-8"))["rows"]
        documents[document] = (text, rows)
    return documents


@pytest.fixture
def unseen_scores(request: pytest.FixtureRequest) -> list[str]:
    return request.config.stash.setdefault(UNSEEN_SCORES, [])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for key, title in (
        (SCORES, "status-and-year proposals against tests/extract/gold.json"),
        (UNSEEN_SCORES, "proposals on texts written after the reader was frozen (extract/unseen/)"),
    ):
        lines = config.stash.get(key, [])
        if lines:
            terminalreporter.section(f"extract: {title}")
            for line in lines:
                terminalreporter.write_line(line)
