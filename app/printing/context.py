"""What every page of a print shares: the request, the data, the font, the paper, the marking."""

from dataclasses import dataclass
from datetime import date

from matplotlib.font_manager import FontProperties

from app import vocab
from app.printing import style
from app.printing.data import PrintData, ProjectRow
from app.printing.fonts import CjkFont
from app.printing.labels import Lang, move_label, status_label, text
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
    def comparing(self) -> bool:
        """A sheet of what changed since an earlier year: its projects are coloured by move."""
        return self.request.since is not None

    def shown(self, project: ProjectRow) -> str | None:
        """What a project is coloured, counted and ordered by: its move on a comparison sheet,
        else its status (as reported, or in plan mode as the plans promised)."""
        return project.move if self.comparing else project.shown_status(self.plan_mode)

    @property
    def shown_order(self) -> tuple[str | None, ...]:
        """The values of `shown`, in the order the legend, headline and table give them."""
        return vocab.MOVES if self.comparing else style.STATUS_ORDER

    def shown_label(self, value: str | None) -> str:
        if self.comparing:
            assert value is not None  # every project of a comparison has moved
            return move_label(self.lang, value)
        return status_label(self.lang, value, self.plan_mode)

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
