"""What every page of a print shares: the request, the data, the font, the paper, the marking."""

from dataclasses import dataclass
from datetime import date

from matplotlib.font_manager import FontProperties

from app.printing.data import PrintData
from app.printing.fonts import CjkFont
from app.printing.labels import Lang, text
from app.printing.layout import Page
from app.printing.request import PrintRequest


@dataclass(frozen=True)
class Marking:
    """What the settings add to every page."""

    approval_number: str | None = None  # 审图号
    internal_use: bool = False  # 内部资料


@dataclass(frozen=True)
class Context:
    request: PrintRequest
    data: PrintData
    font: CjkFont
    page: Page
    marking: Marking
    printed: date

    @property
    def lang(self) -> Lang:
        return self.request.lang

    @property
    def plan_mode(self) -> bool:
        return self.request.mode == "plan"

    @property
    def reported_before(self) -> int | None:
        """The latest year a report covers when the sheet's year is later (no report covers it
        yet, and its statuses are as reported then, with the updates approved since); else
        None."""
        reported = self.data.reported_year
        return reported if reported is not None and self.data.year > reported else None

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def props(self, size: float, bold: bool = False) -> FontProperties:
        """The sheet font at `size` points given for A4, scaled to the paper."""
        return self.font.props(self.page.pt(size), bold)
