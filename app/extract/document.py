"""The report as a document: its text, title, date, sha256 and the id it is registered under."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import Connection, select

from app.extract.frames import ReportYears
from app.models import Document

TITLE_MAX = 120
_DOCUMENT_WORDS = ("报告", "计划", "纲要", "方案", "草案", "规划", "意见", "通知", "总结", "目标")
_DATE = re.compile(r"(20\d\d)年(\d{1,2})月(\d{1,2})日")
_DATE_LINES = 10


class ExtractError(ValueError):
    """A report that cannot be read or applied; the message says why and what to do."""


@dataclass(frozen=True)
class ReportDocument:
    id: str
    title: str
    date: str
    sha256: str
    file_name: str | None
    registered: bool  # the database already has this document's text


def decode(raw: bytes) -> str:
    """The text exactly as given (a byte-order mark stays, so offsets count it): UTF-8, or
    GB18030 (GBK) as Chinese office software often saves it."""
    if not raw.strip():
        raise ExtractError("the report is empty")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractError("the report is neither UTF-8 nor GB18030 text; save it as UTF-8 text")


def title_of(text: str) -> str:
    """The first line; with the next when a long title is broken over two lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0].lstrip("\ufeff")
    broken = len(lines) > 1 and not re.search(r"[。；，,]", title + lines[1])
    if broken and lines[1].endswith(_DOCUMENT_WORDS):
        title += lines[1]
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def date_of(text: str, years: ReportYears) -> str:
    """A date written near the top (2023年1月4日 → 2023-01-04); else the year it plans."""
    head = "\n".join(text.splitlines()[:_DATE_LINES])
    match = _DATE.search(head)
    if match is None:
        return str(years.plan)
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def report_document(
    conn: Connection, raw: bytes, text: str, file_name: str | None, years: ReportYears
) -> ReportDocument:
    """The document as the database knows it (matched by sha256), or as it will be registered."""
    sha256 = hashlib.sha256(raw).hexdigest()
    row = conn.execute(
        select(Document.id, Document.title, Document.date, Document.text).where(
            Document.sha256 == sha256
        )
    ).first()
    if row is not None:
        return ReportDocument(row.id, row.title, row.date, sha256, file_name, row.text is not None)
    return ReportDocument(
        f"report-{sha256[:12]}", title_of(text), date_of(text, years), sha256, file_name, False
    )


def registered_report(conn: Connection, document_id: str) -> tuple[ReportDocument, str]:
    """A document whose text the database keeps, to be read again without uploading it."""
    row = conn.execute(
        select(Document.id, Document.title, Document.date, Document.sha256, Document.file_name,
               Document.text).where(Document.id == document_id)
    ).first()  # fmt: skip
    if row is None or row.text is None:
        raise ExtractError(
            f"no registered report '{document_id}': upload its text instead"
            if row is None
            else f"the text of '{document_id}' is not registered: upload it instead"
        )
    return ReportDocument(row.id, row.title, row.date, row.sha256, row.file_name, True), row.text
