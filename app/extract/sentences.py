"""Split a report into sentences and clauses, keeping code-point offsets into the text as given.

A sentence ends at 。！？； (or their ASCII forms) or at a line break, so headings and list items,
which stand on lines of their own without a full stop, are sentences too. A clause ends at ，or :
inside a sentence. Spans leave out the punctuation that ends them. Offsets count Unicode code
points from 0, end exclusive.
"""

import re
from dataclasses import dataclass

SENTENCE_ENDS = "。！？；;!?"
CLAUSE_ENDS = "，,：:"
_TRIM = " \t\r\u3000\ufeff"

# 一、 （一） (1) 1. —— 一是: the ways these reports number their headings and list items.
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十\d]+\)"
    r"|\d+[.、．]|——|[一二三四五六七八九十]+是)"
)
HEADING_MAX = 60
# A labelled field of a record written as a line: 项目名称：…, 进展：….
_FIELD = re.compile(r"(?:^|[；;])\s*[\u4e00-\u9fff]{2,6}[：:]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence(Span):
    clauses: tuple[Span, ...]
    heading: bool


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def lines(text: str) -> list[Span]:
    """Non-blank lines, without their surrounding white space."""
    result = []
    for match in re.finditer(r"[^\n]+", text):
        span = _trimmed(text, match.start(), match.end())
        if span is not None:
            result.append(span)
    return result


def is_heading(line: str) -> bool:
    """A numbered line, or a short line that is not a finished sentence, reads as a heading."""
    if len(line) > HEADING_MAX:
        return False
    return bool(_NUMBERED.match(line)) or line[-1] not in "。！？；;!?"


def section_of(text: str, offset: int) -> str | None:
    """The heading a character offset falls under: the nearest heading line before it."""
    heading = None
    for line in lines(text):
        if line.start > offset:
            break
        if line.end <= offset and is_heading(line.text):
            heading = line.text
    return heading


def _split(text: str, span: Span, ends: str) -> list[Span]:
    pieces = []
    start = span.start
    for i in range(span.start, span.end):
        if text[i] in ends and not _inside_number(text, i):
            piece = _trimmed(text, start, i)
            if piece is not None:
                pieces.append(piece)
            start = i + 1
    last = _trimmed(text, start, span.end)
    if last is not None:
        pieces.append(last)
    return pieces


def _inside_number(text: str, i: int) -> bool:
    """An ASCII comma or colon between digits (1,000; 10:30) separates nothing."""
    if text[i] not in ",:":
        return False
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def is_record(line: str) -> bool:
    """项目名称：…；进展：…；计划：…: one record, its fields clauses of one sentence."""
    return len(_FIELD.findall(line)) >= 2


def sentences(text: str) -> list[Sentence]:
    """The sentences of the text; the number of a list item (二、, 1.) is in its sentence (a
    heading is told by it) but in none of its clauses (二、力争A、B… lists two names, not three)."""
    result = []
    for line in lines(text):
        heading = is_heading(line.text)
        number = _NUMBERED.match(line.text)
        record = is_record(line.text)
        ends = SENTENCE_ENDS.replace("；", "").replace(";", "") if record else SENTENCE_ENDS
        for piece in _split(text, line, ends):
            clauses = _split(text, piece, CLAUSE_ENDS + ("；;" if record else ""))
            if number and piece.start == line.start and not number.group().endswith("是"):
                clauses = _after_number(text, clauses, line.start + number.end())
            result.append(Sentence(piece.start, piece.end, piece.text, tuple(clauses), heading))
    return result


def _after_number(text: str, clauses: list[Span], start: int) -> list[Span]:
    """The clauses without the list number that opens the first."""
    first = _trimmed(text, start, clauses[0].end) if clauses else None
    return ([first] if first else []) + clauses[1:]
