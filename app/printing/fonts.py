"""The CJK font every sheet is set in, found through matplotlib's font manager or fontconfig.

Sheets are set in Noto Sans CJK SC (Debian's fonts-noto-cjk). Those fonts are OpenType with CFF
outlines packed in a .ttc, and matplotlib's Type 42 output writes CFF outlines into a TrueType
(CIDFontType2) font dictionary: poppler reports "Mismatch between font type and embedded font
file" and stricter readers may refuse the font. So PDFs keep matplotlib's default pdf.fonttype 3:
the glyphs are embedded as a vector subset with a ToUnicode map, so text stays selectable and
searchable. Without any CJK font printing is refused rather than set in tofu boxes.
"""

import functools
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font

from app.errors import ServiceUnavailable

# In order of preference; the SC (simplified Chinese) face has the mainland glyph forms.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",  # matplotlib before 3.11 registers only the first face of a .ttc
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
PROBE = "通州区潞漷镇"  # characters every usable font must have (漷 is rare outside Tongzhou)

_lock = threading.Lock()


class CjkFontMissing(ServiceUnavailable):
    title = "Printing unavailable"


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: str

    def props(self, size: float, bold: bool = False) -> FontProperties:
        return FontProperties(family=self.family, size=size, weight="bold" if bold else "normal")


def _registered(families: tuple[str, ...]) -> str | None:
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in families if family in names), None)


def _fontconfig_chinese_files() -> list[str]:
    """Font files fontconfig says cover Chinese, for a matplotlib cache made before they were
    installed; empty when fontconfig is absent."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in out.splitlines() if line.strip()}
    return sorted(f for f in files if f.lower().endswith((".ttf", ".otf", ".ttc", ".otc")))


def _has_glyphs(path: str, family: str) -> bool:
    found = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    index = getattr(found, "face_index", 0)  # matplotlib >= 3.11 addresses faces of a .ttc
    font = FT2Font(str(Path(found)), face_index=index) if index else FT2Font(str(Path(found)))
    return all(font.get_char_index(ord(c)) for c in PROBE)


def find_cjk_font(families: tuple[str, ...] = PREFERRED_FAMILIES) -> CjkFont:
    with _lock:
        family = _registered(families)
        if family is None:
            added = _fontconfig_chinese_files()
            for path in added:
                font_manager.fontManager.addfont(path)
            family = _registered(families)
            if family is None and families == PREFERRED_FAMILIES:  # any face fontconfig knows
                by_file = {e.fname: e.name for e in font_manager.fontManager.ttflist}
                family = next((by_file[p] for p in added if p in by_file), None)
        if family is None:
            raise CjkFontMissing(
                "no CJK font is installed, so sheets cannot be set in Chinese; "
                "install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"
            )
        path = str(font_manager.findfont(FontProperties(family=family)))
        if not _has_glyphs(path, family):
            raise CjkFontMissing(f"the font {family} ({path}) lacks Chinese glyphs")
        return CjkFont(family, path)


@functools.cache
def cjk_font() -> CjkFont:
    """The sheet font, looked up once; a failure is not cached, so installing the font helps."""
    return find_cjk_font()
