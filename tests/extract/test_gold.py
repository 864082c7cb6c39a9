"""The extractor against what careful readers recorded from the two seed documents."""

from typing import Any

from app.extract.lexicon import Lexicon, lexicon_from_catalogue
from app.extract.proposals import Proposal, extract
from app.settings import REPO_ROOT

F1_FLOOR = 0.85

Fact = tuple[str, int, str, str, int]  # project, mention start, kind, status, year


def _proposed(proposals: list[Proposal]) -> set[Fact]:
    return {
        (p.entity_id or "", p.mention_start, p.kind, p.status or "", p.year)
        for p in proposals
        if p.entity == "project"
    }


def _expected(gold: list[dict[str, Any]], document: str) -> set[Fact]:
    return {
        (r["project_id"], r["start"], r["kind"], r["status"], r["year"])
        for r in gold
        if r["document"] == document and r["status"]
    }


def _score(label: str, proposed: set[Any], expected: set[Any]) -> tuple[float, str]:
    hits = len(proposed & expected)
    precision = hits / len(proposed) if proposed else 0.0
    recall = hits / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    line = (
        f"{label:<22} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
        f"  ({hits} right of {len(proposed)} proposed, {len(expected)} in the gold file)"
    )
    return f1, line


def test_gold_rows_point_at_their_mentions(gold: list[dict[str, Any]], seed_texts) -> None:
    for row in gold:
        text = seed_texts[row["document"]]
        assert text[row["start"] : row["start"] + len(row["mention"])] == row["mention"], row


def test_precision_recall_f1(
    gold: list[dict[str, Any]], seed_texts: dict[str, str], lexicon: Lexicon, scores: list[str]
) -> None:
    all_proposed: set[tuple[str, Fact]] = set()
    all_expected: set[tuple[str, Fact]] = set()
    f1s = {}
    for document, text in seed_texts.items():
        proposed = _proposed(extract(text, lexicon).proposals)
        expected = _expected(gold, document)
        f1s[document], line = _score(document, proposed, expected)
        scores.append(line)
        all_proposed |= {(document, fact) for fact in proposed}
        all_expected |= {(document, fact) for fact in expected}
    overall, line = _score("overall", all_proposed, all_expected)
    scores.append(line)
    assert overall >= F1_FLOOR, scores
    assert all(f1 >= F1_FLOOR for f1 in f1s.values()), scores


def test_evidence_names_the_project(seed_texts: dict[str, str], lexicon: Lexicon) -> None:
    for text in seed_texts.values():
        for p in extract(text, lexicon).proposals:
            quoted = text[p.evidence_start : p.evidence_end]
            if p.entity == "project":
                names = lexicon.evidence_names(p.entity_id or "")
            elif p.entity == "candidate":
                names = [p.entity_name]
            else:
                entity = lexicon.entity(p.entity, p.entity_id or "")
                names = list(entity.forms) if entity else []
            assert any(name in quoted for name in names), (p, quoted)
            assert p.evidence_start <= p.mention_start < p.mention_end <= p.evidence_end


def test_seed_years_are_read_from_the_text(seed_texts: dict[str, str], lexicon: Lexicon) -> None:
    plan = extract(seed_texts["tongzhou-2022-plan"], lexicon)
    report = extract(seed_texts["tongzhou-2023-report"], lexicon)
    assert (plan.years.report, plan.years.plan) == (2021, 2022)
    assert (report.years.report, report.years.plan) == (2022, 2023)


def test_the_files_give_the_same_names_as_the_database(lexicon: Lexicon) -> None:
    from_files = lexicon_from_catalogue(REPO_ROOT / "geodata")
    assert from_files.by_form.keys() == lexicon.by_form.keys()
    theatre = sorted(from_files.evidence_names("sub-centre-theatre"))
    assert theatre and theatre == sorted(lexicon.evidence_names("sub-centre-theatre"))
