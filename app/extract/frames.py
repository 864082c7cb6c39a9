"""Which year a report looks back on, and whether each part of it reports or plans.

A district report of January Y+1 reviews year Y (执行情况: what happened, status events of Y) and
plans Y+1 (主要目标, 主要措施, 计划草案: targets for Y+1); a report within the year (上半年, or
前三季度) reviews the months gone by and plans the rest of Y (targets for Y). A five-year plan
written at the start of year P sets goals for P…P+4 (未来五年: targets for P+4). Headings switch
between these frames.

The title tells what the whole document is: a plan only (2026年度…节点目标), a review and a plan,
or a work report spoken at the start of the year it plans (20XX年政府工作报告, 过去一年…). A part
whose kind no heading states (a preface, the text before the first part of a two-part report) is
read in a guessed frame, and what it yields is never applied without review.
"""

import re
from dataclasses import dataclass, replace
from typing import Literal

from app.extract.sentences import SENTENCE_ENDS, Sentence, sentences

Kind = Literal["event", "target"]

FIVE_YEAR_SPAN = 4  # 未来五年 from P: P, P+1, …, P+4
# Only short headings switch the frame: a long line that merely mentions 任务 is body text.
FRAME_HEADING_MAX = 40

# The words that follow a year, up to the next year: 2022年工作总结及2023年工作安排 plans 2023.
_AFTER_YEAR = r"(?:(?!20\d\d年)[^\n。]){0,24}?"
_REVIEWED = re.compile(rf"(20\d\d)年{_AFTER_YEAR}(?:执行情况|完成情况|进展情况|工作回顾)")
_PLANNED = re.compile(
    rf"(20\d\d)年{_AFTER_YEAR}"
    r"(?:主要目标|计划草案|工作计划|计划安排|主要任务|重点任务|项目安排|工作安排)"
)
_YEAR = re.compile(r"(20\d\d)年")
# Words that name a report's parts; each author chooses others, so a part is also told by its
# year (the earlier reviewed, the later planned) and by its half (上半年, 下半年).
_REVIEW_WORDS = (
    "执行情况",
    "回顾",
    "总结",
    "完成情况",
    "进展情况",
    "推进情况",
    "实施情况",
    "调度情况",
    "概况",
    "进展",
    "成效",
    "一年来",
    "盘点",
)
_PLAN_WORDS = (
    "目标",
    "任务",
    "措施",
    "安排",
    "草案",
    "思路",
    "重点工作",
    "计划",
    "打算",
    "部署",
    "展望",
    "看点",
    "下一步",
    "节点",
)
# How headings nest: 第一部分 above 一、 above （一）; a part is either of the first two.
_LEVELS = (
    re.compile(r"^(?:第[一二三四五六七八九十]+部分|[上中下]篇)"),
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
)
_PART = re.compile("|".join(level.pattern for level in _LEVELS[:2]))
# The parts of a report written within the year: the months gone by (上半年, 1—6月, 前三季度)
# reviewed, the rest of the year (下半年, 四季度, 下一步) planned.
_FIRST_HALF = (
    "上半年",
    "1—6月",
    "1-6月",
    "1至6月",
    "1～6月",
    "前三季度",
    "1—9月",
    "1-9月",
    "1至9月",
)
_SECOND_HALF = ("下半年", "7—12月", "下一步", "四季度", "10—12月")
_FIVE_YEARS = ("未来五年", "五年")
# A preface or an opening address: a part that is neither the review nor the plan.
_PREFACES = ("写在前面", "前言", "引言", "序言", "导语", "开篇", "题记")
# A review of 过去一年 is spoken after that year, in the year the report plans.
_PAST_YEAR = ("过去一年", "过去的一年", "过去一年来", "去年一年")
_WORK_REPORT = "工作报告"


class YearUnknown(ValueError):
    pass


@dataclass(frozen=True)
class ReportYears:
    report: int  # the year reviewed; plans are for the year after
    # A mid-year report (上半年…进展, 下半年…安排) plans the rest of the year it reviews.
    mid_year: bool = False
    # The year the text speaks from (今年, 去年), when the whole text speaks from one year: a plan
    # or a work report, written in the year it plans. None: each part speaks from its own year.
    written: int | None = None

    @property
    def plan(self) -> int:
        return self.report if self.mid_year else self.report + 1


@dataclass(frozen=True)
class Frame:
    kind: Kind
    year: int
    # False when no heading of the part states its kind (a preface, an untitled opening).
    read: bool = True


def detect_report_year(text: str) -> int | None:
    """2022年…计划执行情况 → 2022; else 2022年…主要目标 → 2021 (a plan for 2022); else the
    earlier of two years its title or parts name (2018年工作总结, 2019年重点工作 → 2018), or the
    year whose first half it reviews (2023年上半年…); else the year before the one a plan-only
    title or a work report's title names (2026年度…目标一览表, 2024年政府工作报告 → 2025, 2023);
    else, guessed from the body (year_stated is False), the year the first part opens with, the
    year most often written in the part a heading calls a review, or the year a dated text looks
    back on; else None."""
    return (
        _stated_report_year(text)
        or _opening_year(text)
        or _most_written_in_review(text)
        or _dated_year(text)
    )


def year_stated(text: str) -> bool:
    """Does the title or a heading state the year reviewed (not only the body)?"""
    return _stated_report_year(text) is not None


def _stated_report_year(text: str) -> int | None:
    reviewed = _REVIEWED.search(text)
    if reviewed:
        return int(reviewed.group(1))
    planned = [int(m.group(1)) for m in _PLANNED.finditer(text)]
    if planned:
        return min(planned) - 1
    title = _title(text)
    heads = [title, *_part_headings(text)]
    named = sorted({int(y) for line in heads for y in _YEAR.findall(line)})
    if len(named) >= 2 or (named and is_mid_year(text)):
        return named[0]
    titled = {int(y) for y in _YEAR.findall(title)}
    if len(titled) == 1 and _worded_kind(title) == "event":  # 副中心2021年终盘点
        return titled.pop()
    spoken = _spoken_in(text)
    return spoken - 1 if spoken is not None else None


# 2023年是城市副中心…的关键一年: the opening of a review names the year it is about.
_YEAR_OPENING = re.compile(r"^(20\d\d)年(?:是|，|,|以来|全年)")


def _opening_year(text: str) -> int | None:
    """The year the first sentence of the first part opens with (一、基本情况 / 2023年是…)."""
    parts = sentences(text)
    first = next((k for k, s in enumerate(parts) if s.heading and _PART.match(s.text)), None)
    if first is None:
        return None
    body = [s for s in parts[first + 1 :] if not s.heading][:1]
    found = _YEAR_OPENING.match(body[0].text) if body else None
    return int(found.group(1)) if found else None


def _title(text: str) -> str:
    first = sentences(text)[:1]
    return first[0].text if first and first[0].heading else ""


def _spoken_in(text: str) -> int | None:
    """The year a plan-only document (2026年度…目标) or a work report (2024年政府工作报告, or a
    dateline under its title: ——2024年1月在…会议上) is written in: the one year its title
    block names, the year it plans."""
    title = _title(text)
    named = {int(y) for line in _title_block(text) for y in _YEAR.findall(line)}
    if len(named) != 1:
        return None
    plans_only = _plans_only(title)
    work_report = _WORK_REPORT in title and not any(w in title for w in _REVIEW_WORDS)
    return named.pop() if plans_only or work_report else None


def _title_block(text: str) -> list[str]:
    """The lines above the body: the title, a dateline, an address (各位代表：)."""
    block = []
    for s in sentences(text):
        if not s.heading or _PART.match(s.text):
            break
        block.append(s.text)
    return block


def _plans_only(heading: str) -> bool:
    return any(w in heading for w in _PLAN_WORDS) and not any(w in heading for w in _REVIEW_WORDS)


def _most_written_in_review(text: str) -> int | None:
    """The year written most often under a heading that calls its part a review."""
    counts: dict[int, int] = {}
    reviewing = False
    for s in sentences(text):
        if _frames(text, s) and _worded_kind(s.text):
            reviewing = _worded_kind(s.text) == "event"
        elif reviewing:
            for y in _YEAR.findall(s.text):
                counts[int(y)] = counts.get(int(y), 0) + 1
    return max(counts, key=lambda y: (counts[y], -y)) if counts else None


def _worded_kind(heading: str) -> Kind | None:
    reviews = any(word in heading for word in _REVIEW_WORDS)
    plans = any(word in heading for word in _PLAN_WORDS)
    if reviews == plans:
        return None
    return "event" if reviews else "target"


def _part_headings(text: str) -> list[str]:
    """The headings that divide a report into its parts: 一、…, 二、…"""
    return [s.text for s in sentences(text) if s.heading and _PART.match(s.text)]


def report_years(text: str, given: int | None = None) -> ReportYears:
    year = given if given is not None else detect_report_year(text)
    if year is None:
        raise YearUnknown(
            "cannot tell which year the report reviews (no '20XX年…执行情况' or '20XX年…主要目标' "
            "in the text); give it with --report-year"
        )
    if is_mid_year(text):
        return ReportYears(year, mid_year=True, written=year)
    if _spoken_in(text) is not None or _reviews_past_year(text):
        return ReportYears(year, written=year + 1)
    dated = _signed_in(text)
    if dated in (year, year + 1):
        return ReportYears(year, written=dated)
    return ReportYears(year, written=_spoken_from(text, ReportYears(year)))


def _spoken_from(text: str, years: ReportYears) -> int | None:
    """The year a text speaks from, by what it calls the years of its parts: a plan for 今年 is
    spoken in the year planned; a review that mostly says 去年 in the year after the one reviewed
    (a briefing of January), one that mostly says 今年 in that year (a summary of December). Else
    each part speaks from its own year (a plan's 明年 may be the year after the plan's)."""
    parts = sentences(text)
    frames = sentence_frames(text, parts, years)
    read = [
        (s.text, f.kind)
        for s, f in zip(parts, frames, strict=True)
        if f.read and not _frames(text, s)
    ]

    def said(word: str, kind: Kind) -> int:
        return sum(t.count(word) for t, k in read if k == kind)

    if said("今年", "target") > said("明年", "target"):
        return years.report + 1
    last, this = said("去年", "event"), said("今年", "event")
    if last >= max(MOSTLY, 2 * this):
        return years.report + 1
    if this >= max(MOSTLY, 2 * last):
        return years.report
    return None


MOSTLY = 3  # times a relative year is said before it tells when a text is spoken


_SIGNATURE_DATE = re.compile(r"(20\d\d)年(\d{1,2})月(?:\d{1,2}日)?(?:上午|下午|晚上)?$")


def _signed_in(text: str) -> int | None:
    """The year of the date a report is signed with (潞城镇　2022年12月, its last line) or
    dated under its title (本报记者　2021年12月31日, 时间：2023年1月12日上午): the year its 今年
    and 明年 are spoken from."""
    date = _date_signed(text)
    return date[0] if date else None


def _date_signed(text: str) -> tuple[int, int] | None:
    lines = [line.strip() for line in text.strip().splitlines()]
    for line in [*reversed(lines[-2:]), *lines[:4]]:
        found = _SIGNATURE_DATE.search(line)
        if found and len(line) <= FRAME_HEADING_MAX:
            return int(found.group(1)), int(found.group(2))
    return None


EARLY_MONTHS = 3  # a text dated January to March that speaks of 去年 looks back on it


def _dated_year(text: str) -> int | None:
    """The year a dated text without a stated year is about: the year before its date when it is
    dated early in the year and speaks of 去年 (a January press conference), else its date's."""
    date = _date_signed(text)
    if date is None:
        return None
    year, month = date
    return year - 1 if month <= EARLY_MONTHS and "去年" in text else year


def _reviews_past_year(text: str) -> bool:
    """过去一年的工作回顾: the review is spoken in the year after the one it reviews."""
    return any(s.heading and any(w in s.text for w in _PAST_YEAR) for s in sentences(text))


def is_mid_year(text: str) -> bool:
    """Does the report review a first half and plan the second (上半年…下半年 in its headings)?"""
    headings = [s.text for s in sentences(text) if s.heading]
    first = any(word in h for h in headings for word in _FIRST_HALF)
    return first and any(word in h for h in headings for word in _SECOND_HALF)


def _heading_frame(heading: str, years: ReportYears) -> Frame | None:
    return (
        _preface_frame(heading, years)
        or _worded_frame(heading, years)
        or _part_frame(heading, years)
        or _last_year(heading, years)
    )


def _preface_frame(heading: str, years: ReportYears) -> Frame | None:
    """写在前面: a preface mostly looks back, but says so nowhere; its reading is a guess."""
    bare = re.sub(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff]+$", "", heading)
    return Frame("event", years.report, read=False) if bare in _PREFACES else None


def _last_year(heading: str, years: ReportYears) -> Frame | None:
    """●去年打下的底子: a section of a review about the year before."""
    return Frame("event", years.report - 1) if "去年" in heading else None


def _part_frame(heading: str, years: ReportYears) -> Frame | None:
    """A part heading without the usual words: its half, or its year, says which part it is."""
    if not _PART.match(heading):
        return None
    if years.mid_year and any(word in heading for word in _FIRST_HALF):
        return Frame("event", years.report)
    if years.mid_year and any(word in heading for word in _SECOND_HALF):
        return Frame("target", years.plan)
    stated = [int(y) for y in _YEAR.findall(heading)]
    if stated and max(stated) > years.report:
        return Frame("target", max(stated))
    if stated:
        return Frame("event", years.report)
    return None


def _worded_frame(heading: str, years: ReportYears) -> Frame | None:
    reviews = any(word in heading for word in _REVIEW_WORDS)
    plans = any(word in heading for word in _PLAN_WORDS) and not (
        "计划执行情况" in heading and heading.count("计划") == 1
    )
    if any(word in heading for word in _FIVE_YEARS) and not reviews:
        return Frame("target", years.plan + FIVE_YEAR_SPAN)
    if reviews == plans:
        return None  # a title naming both parts, or neither: no switch
    stated = [int(y) for y in _YEAR.findall(heading)]
    if reviews:
        return Frame("event", stated[0] if stated else years.report)
    return Frame("target", max(stated) if stated else years.plan)


def default_frame(text: str, years: ReportYears) -> Frame:
    """Before any heading: a plan when the title plans only (the whole document is a plan);
    else a review when the text reviews a year (or its first part is a review), else a plan;
    the last two are guesses."""
    if _plans_only(_title(text)) and not _parts_review(text):
        return Frame("target", years.plan)
    if _REVIEWED.search(text):
        return Frame("event", years.report, read=False)
    parts = _part_headings(text)
    first = _heading_frame(parts[0], years) if parts else None
    if first is not None and first.kind == "event":
        return Frame("event", first.year, read=False)
    said = _RELATIVE_YEAR.search(text)
    if not parts and said and said.group() == "去年":
        return Frame("event", years.report, read=False)  # 先通报去年…的进展和今年的安排
    return Frame("target", years.plan, read=False)


_RELATIVE_YEAR = re.compile("去年|今年|明年")
# A reporter's question (记者：今年的重点是什么？) says what the answer after it is about.
_ASKER = re.compile(r"^(?:记者|问)[：:]")


def _asks(text: str, sentence: Sentence) -> bool:
    return bool(_ASKER.match(sentence.text)) and text[sentence.end : sentence.end + 1] in (
        "？",
        "?",
    )


def _question_frame(question: str, years: ReportYears) -> Frame | None:
    """The frame of the answer to a question: 去年 asks for the review, 今年 for the year it is
    spoken in (a plan when that is the year planned), else its words, as a heading's would be
    (…进展如何 a review)."""
    if "去年" in question:
        return Frame("event", years.report)
    if "今年" in question:
        spoken = years.written or years.plan
        return Frame("target" if spoken > years.report else "event", spoken)
    return _worded_frame(question, years)


def _parts_review(text: str) -> bool:
    """Does a heading below the title call its part a review?"""
    title = _title(text)
    headings = [s.text for s in sentences(text) if s.heading and s.text != title]
    return any(_worded_kind(h) == "event" for h in headings)


def parts_found(text: str, sentences: list[Sentence], years: ReportYears) -> bool:
    """Does the document say which of its parts reviews and which plans (a heading read as one
    or the other)? Without that every stage's kind and year is a guess."""
    if _REVIEWED.search(text) or _PLANNED.search(text):
        return True
    return any(_frames(text, s) and _heading_frame(s.text, years) for s in sentences)


def _unread_part(heading: str, frame: Frame, document: Frame, framing_level: int) -> Frame:
    """A heading that states no kind: a new part (二、…), or a numbered section beside the one
    that set the frame (（二）… after （一）上半年进展), goes on in the frame before it, as a guess;
    a section heading ends a guessed part (a preface) and returns to the document's, and so does
    a part inside the one that set the frame (一、… under 第一部分 2022年工作回顾)."""
    numbered = _level(heading) < len(_LEVELS)
    if numbered and _level(heading) <= framing_level:
        return replace(frame, read=False)
    return frame if frame.read else document


def _level(heading: str) -> int:
    """How high a heading stands: 第一部分 (0) above 一、 (1) above （一） (2) above the rest."""
    return next((k for k, level in enumerate(_LEVELS) if level.match(heading)), len(_LEVELS))


def _frames(text: str, sentence: Sentence) -> bool:
    """Is the sentence a heading that may switch the frame: short, and not a numbered item that
    is a finished sentence ((二)…去年已实现主体结构封顶。)?"""
    finished = text[sentence.end : sentence.end + 1] in SENTENCE_ENDS
    return sentence.heading and len(sentence.text) <= FRAME_HEADING_MAX and not finished


def sentence_frames(text: str, sentences: list[Sentence], years: ReportYears) -> list[Frame]:
    """The frame each sentence is read in. A guessed frame (a preface's) ends at the next
    heading."""
    document = default_frame(text, years)
    frame = document
    framing_level = len(_LEVELS)
    frames = []
    for sentence in sentences:
        if _asks(text, sentence):
            asked = _question_frame(sentence.text, years)
            frame = asked or replace(frame, read=False)
        elif _frames(text, sentence):
            stated = _heading_frame(sentence.text, years)
            if stated is not None:
                frame, framing_level = stated, _level(sentence.text)
            else:
                frame = _unread_part(sentence.text, frame, document, framing_level)
        frames.append(frame)
    return frames
