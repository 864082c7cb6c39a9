"""What geodata/ says, checked against the documents without a database: the rules of
geodata/README.md that the loader cannot decide alone, and the cases of issue 14 they were
written for."""

import re
from functools import cache
from typing import Any

import pytest

from app.geodata.validate import GAP, Catalogue, read_catalogue
from app.settings import REPO_ROOT
from tests.conftest import SEEDS_DIR

# A Chinese description is our own words: it may repeat names (of the project, places, bodies)
# but no clause of a document. The longest names it needs run to about a dozen characters.
LONGEST_QUOTE = 12


@cache
def catalogue() -> Catalogue:
    return read_catalogue(REPO_ROOT / "geodata", SEEDS_DIR)


def projects() -> dict[str, Any]:
    return {p.id: p.properties for p in catalogue().projects}


def longest_quote(text: str, documents: list[str]) -> str:
    best = ""
    for start in range(len(text)):
        end = start + len(best) + 1
        while end <= len(text) and any(text[start:end] in d for d in documents):
            best = text[start:end]
            end += 1
    return best


def quoted_clause(props: Any, text: str, documents: list[str]) -> str | None:
    """The run of a document longer than LONGEST_QUOTE that `text` copies, the project's own
    names apart; or None."""
    names = {p for n in [props.name, *props.aliases] for p in n.split(GAP) if p}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "〇")
    quote = longest_quote(text, documents)
    return quote if len(quote) > LONGEST_QUOTE else None


def test_every_project_has_a_chinese_description_in_its_own_words() -> None:
    documents = list(catalogue().texts.values())
    assert len(documents) == 2
    quoted = {}
    for pid, props in projects().items():
        text = props.description_zh
        assert text.strip() and props.description.strip(), pid
        quote = quoted_clause(props, text, documents)
        if quote:
            quoted[pid] = quote
    assert quoted == {}


# Two English words in a row: a Chinese note that kept (part of) the English one.
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}[\s,;]+[A-Za-z]{3,}")


def test_every_placement_note_has_a_chinese_one_in_its_own_words() -> None:
    """The Chinese page shows placement_zh: the placement facts in Chinese, not the English note
    and not a document's clause."""
    documents = list(catalogue().texts.values())
    missing, english, quoted = [], {}, {}
    placed = {pid: props for pid, props in projects().items() if props.placement}
    for pid, props in placed.items():
        text = props.placement_zh or ""
        if not text.strip():
            missing.append(pid)
            continue
        if found := ENGLISH_WORDS.search(text):
            english[pid] = found.group()
        if quote := quoted_clause(props, text, documents):
            quoted[pid] = quote
    assert len(placed) == len(projects())  # every project says how it was placed
    assert missing == [] and english == {} and quoted == {}


def test_no_programme_reports_more_than_its_target() -> None:
    """An actual above the target is how counting another stage shows (29,000 筹建 against
    2万套 to build read as 145 %)."""
    over = {
        (p.id, g.year, g.count)
        for p in catalogue().programmes
        if p.target
        for g in p.progress
        if g.kind == "actual" and g.count > p.target.count
    }
    assert over == set()


# Series that joined different measures, now split (geodata/README.md, "One measure per
# series"): indicator -> the (year, kind) it no longer holds, and the indicator that holds it.
SPLIT_SERIES = {
    "greenways": ((2026, "target"), "premium-greenway-works"),
    "specialised-smes-new": ((2026, "target"), "municipal-specialised-smes-new"),
    "new-school-places": ((2022, "actual"), "school-places-expanded"),
    "canal-business-district-floor-area": (
        (2026, "target"),
        "canal-business-district-core-building-scale",
    ),
    "tertiary-hospitals": ((2022, "actual"), "tertiary-hospitals-in-district"),
    "budget-revenue-growth": ((2022, "estimate"), "budget-revenue-growth-comparable"),
}


@pytest.mark.parametrize("indicator", SPLIT_SERIES)
def test_a_series_holds_one_measure(indicator: str) -> None:
    indicators = {i.id: i for i in catalogue().indicators}
    gone, split = SPLIT_SERIES[indicator]
    assert gone not in {(v.year, v.kind) for v in indicators[indicator].values}
    assert gone in {(v.year, v.kind) for v in indicators[split].values}


# Named in the documents and missing before; each now a project with its evidence.
ADDED = {
    "中关村通州园": "zhongguancun-tongzhou-park",
    "台马板块": "taima-sector",
    "文化旅游区": "culture-tourism-zone",
    "潮白河大桥": "chaobai-river-bridge",
    "大运河京冀段旅游通航": "grand-canal-beijing-hebei-navigation",
    "城北水网二期": "chengbei-water-network-phase-2",
    "两河水网二期": "lianghe-water-network-phase-2",
    "农产品直供中心": "farm-produce-direct-supply-centre",
    "副中心站中深层地热示范项目": "sub-centre-station-geothermal-demo",
    "人民大学通州校区一期": "renmin-university-tongzhou-campus-phase-1",
}


def test_the_missing_projects_are_there() -> None:
    found = {props.name: pid for pid, props in projects().items()}
    assert {name: found.get(name) for name in ADDED} == ADDED
    navigation = projects()["grand-canal-beijing-hebei-navigation"]
    assert [(e.year, e.status) for e in navigation.events] == [(2022, "in_service")]


# Named in the documents but not projects by the rule in geodata/README.md: a function, a pilot
# or policy zone laid over places, a rule change. Nothing is built there that a map could show.
NOT_PROJECTS = ("全国自愿减排交易中心", "法定数字货币", "自贸试验区", "京通快速", "京哈高速")


def test_designations_functions_and_rules_are_not_projects() -> None:
    names = [n for props in projects().values() for n in [props.name, *props.aliases]]
    assert [n for n in names if any(word in n for word in NOT_PROJECTS)] == []


def test_sentences_without_a_stage_give_no_status() -> None:
    """A designation, a grade, a reorganisation or a standard is a mention, not a status."""
    for pid in (
        "universal-citywalk",
        "tongzhou-maternal-child-health-hospital",
        "chaichangtun-school",
        "mizidian-school",
        "sub-centre-archives",
    ):
        props = projects()[pid]
        assert props.events == [] and props.targets == [], pid
        assert props.mentions, pid
    north_hub = projects()["universal-north-hub"]
    assert north_hub.events == [] and north_hub.programmes == []


def test_the_missing_targets_and_events_are_there() -> None:
    def facts(pid: str, kind: str) -> set[tuple[int, str]]:
        return {(f.year, f.status) for f in getattr(projects()[pid], kind)}

    assert (2026, "in_service") in facts("sub-centre-library", "targets")
    assert (2026, "in_service") in facts("sub-centre-museum", "targets")
    assert (2026, "under_construction") in facts("universal-follow-on-projects", "targets")
    assert (2026, "completed") in facts("chengbei-water-network-phase-1", "targets")
    assert (2022, "under_construction") in facts("chengnan-water-network", "events")
    assert projects()["luxian-ancient-city-site"].mentions
    # the first phase of the Renmin campus is its own project; the campus no longer goes back
    assert (2023, "in_service") not in facts("renmin-university-tongzhou-campus", "targets")
    assert facts("renmin-university-tongzhou-campus-phase-1", "targets") == {(2023, "in_service")}
