"""The review list as JSON, CSV or a plain table for the terminal."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from app.extract.proposals import CSV_FIELDS, THRESHOLD
from app.extract.service import ReportRun


def proposal_dicts(run: ReportRun) -> list[dict[str, Any]]:
    return [p.as_dict(run.text) for p in run.extraction.proposals]


def as_json(run: ReportRun) -> str:
    return json.dumps(proposal_dicts(run), ensure_ascii=False, indent=1)


def as_csv(run: ReportRun) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(proposal_dicts(run))
    return out.getvalue()


def summary(run: ReportRun) -> str:
    d, years = run.document, run.extraction.years
    proposals = run.extraction.proposals
    states = Counter(p.state for p in proposals)
    entities = Counter(p.entity for p in proposals)
    accepted = sum(p.accepted for p in proposals)
    lines = [
        f"Document: {d.title} ({d.date}, {d.id}, sha256 {d.sha256[:12]}…)",
        f"Reviews {years.report}, plans {years.plan}.",
        f"{len(proposals)} proposals: "
        + ", ".join(f"{n} {entity}" for entity, n in sorted(entities.items()))
        + "; "
        + ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        + f"; {accepted} to apply (confidence ≥ {THRESHOLD}).",
    ]
    if run.applied is not None:
        lines.append(str(run.applied))
    return "\n".join(lines)


def as_table(run: ReportRun) -> str:
    rows = [summary(run), ""]
    for p in run.extraction.proposals:
        mark = "+" if p.accepted or p.state == "applied" else " "
        what = p.status or (f"{p.value:g}{p.unit or ''}" if p.value is not None else "-")
        name = f"{p.entity_name} ({p.entity_id})" if p.entity_id else f"{p.entity_name} (new?)"
        extra = f" [{p.milestone}]" if p.milestone else ""
        rows.append(
            f"{mark} {p.state:<8} {p.confidence:.2f} {p.kind:<6} {p.year} {what:<18} "
            f"{name}{extra}  @{p.evidence_start}-{p.evidence_end}"
        )
        rows.append(f"      「{_shortened(run.text[p.evidence_start : p.evidence_end])}」")
    return "\n".join(rows)


def _shortened(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"
