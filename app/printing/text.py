"""Measuring and wrapping text in the sheet font, in millimetres."""

import functools
import re
from collections.abc import Collection

from matplotlib import font_manager
from matplotlib.ft2font import LoadFlags

from app.printing.fonts import CjkFont

PT_MM = 25.4 / 72
LINE_SPACING = 1.3  # baseline to baseline, in font sizes

# A run of Latin letters, digits and joiners stays whole when it fits; CJK may break anywhere,
# except inside the words a caller names (`keep`: place names, the halves of 完工/建成).
_TOKEN = re.compile(r"[A-Za-z0-9.%()\-/+·:\u00a0]+ ?|\s+|.", re.DOTALL)
# Characters a line may not start with, and those it may not end with.
_NO_LINE_START = set("，。、；：？！）》」』”’%·,.;:?!)")
_NO_LINE_END = "（《「『“‘("


def width_mm(font: CjkFont, text: str, size: float, bold: bool = False) -> float:
    """Sum of the glyph advances; CJK fonts have no kerning worth measuring for layout."""
    return sum(_advance(font, char, bold) for char in text) * size / 100 * PT_MM


@functools.lru_cache(maxsize=20_000)
def _advance(font: CjkFont, char: str, bold: bool) -> float:
    """Advance width of one character in points at 100 pt (FreeType's set_text per string
    costs about a millisecond with a CJK face, far too slow for wrapping tables)."""
    face = font_manager.get_font(font_manager.findfont(font.props(100, bold)))
    face.set_size(100, 72)
    glyph = face.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return float(glyph.linearHoriAdvance) / 65536


def line_height_mm(size: float) -> float:
    return size * LINE_SPACING * PT_MM


def _split_long(font: CjkFont, line: str, width: float, size: float, bold: bool) -> list[str]:
    # Punctuation may hang past the edge rather than start a line alone (burasage).
    if width_mm(font, line.rstrip("".join(_NO_LINE_START)), size, bold) <= width:
        return [line]
    parts, current = [], ""
    for char in line:
        if current and width_mm(font, current + char, size, bold) > width:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current]


def _tokens(paragraph: str, keep: Collection[str]) -> list[str]:
    """What a line may break between: Latin runs, single CJK characters, and the words in
    `keep` whole."""
    words = sorted({k for k in keep if k}, key=len, reverse=True)
    if not words:
        return _TOKEN.findall(paragraph)
    tokens: list[str] = []
    start = 0
    for match in re.finditer("|".join(map(re.escape, words)), paragraph):
        tokens += [*_TOKEN.findall(paragraph[start : match.start()]), match.group()]
        start = match.end()
    return tokens + _TOKEN.findall(paragraph[start:])


def wrap(
    font: CjkFont,
    text: str,
    width: float,
    size: float,
    bold: bool = False,
    keep: Collection[str] = (),
) -> list[str]:
    """Greedy line breaking to `width` mm, never inside a Latin word or a word of `keep` that
    fits the width; explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in _tokens(paragraph, keep):
            candidate = current + token
            fits = width_mm(font, candidate.rstrip(), size, bold) <= width
            # Closing punctuation stays with what precedes it (Chinese line-breaking rules).
            if not current.strip() or fits or token[0] in _NO_LINE_START:
                current = candidate
                continue
            line = current.rstrip()
            kept = line.rstrip(_NO_LINE_END) or line  # an opening bracket goes with what follows
            lines.append(kept)
            current = line[len(kept) :] + token.lstrip()
        lines.append(current.rstrip())
    return [piece for line in lines for piece in _split_long(font, line, width, size, bold)]


def unbreakable(text: str, keep: Collection[str] = ()) -> list[str]:
    """The pieces `wrap` never breaks if they fit: a Latin word (with what joins it), a word of
    `keep`, one CJK character, each with the closing punctuation that may not start a line."""
    pieces: list[str] = []
    for paragraph in text.split("\n"):
        opening = ""
        for token in _tokens(paragraph, keep):
            if token.isspace():
                continue
            if pieces and not opening and token[0] in _NO_LINE_START:
                pieces[-1] += token.rstrip()
            elif token in _NO_LINE_END:
                opening += token
            else:
                pieces.append(opening + token.rstrip())
                opening = ""
        if opening:
            pieces.append(opening)
    return pieces


def min_width_mm(
    font: CjkFont, text: str, size: float, bold: bool = False, keep: Collection[str] = ()
) -> float:
    """The narrowest width `text` wraps to without a word broken: its widest unbreakable piece
    (closing punctuation may hang past the edge, as in `_split_long`)."""
    hanging = "".join(_NO_LINE_START)
    return max(
        (
            width_mm(font, piece.rstrip(hanging) or piece, size, bold)
            for piece in unbreakable(text, keep)
        ),
        default=0.0,
    )
