"""Printed progress maps: PDF/PNG sheets, project tables and the township atlas.

No FastAPI here: the /print route and `tzmap print` both call fetch() then render().
"""

from app.printing.context import Marking
from app.printing.data import PrintData, fetch
from app.printing.fonts import CjkFontMissing, cjk_font
from app.printing.render import Rendered, render
from app.printing.request import PrintRequest, print_request

__all__ = [
    "CjkFontMissing",
    "Marking",
    "PrintData",
    "PrintRequest",
    "Rendered",
    "cjk_font",
    "fetch",
    "print_request",
    "render",
]
