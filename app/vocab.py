"""The controlled vocabularies of the data model, shared by the schema, the loader and the API."""

import math
from collections.abc import Iterable

STATUSES = ("planned", "under_construction", "completed", "in_service")

# The statuses as the map, the prints and the report reader name them; None: nothing reported yet.
STATUS_LABELS: dict[str, dict[str | None, str]] = {
    "zh": {
        "planned": "规划/前期",
        "under_construction": "开工/在建",
        "completed": "完工/建成",
        "in_service": "投入使用",
        None: "尚无报告",
    },
    "en": {
        "planned": "Planned",
        "under_construction": "Under construction",
        "completed": "Completed",
        "in_service": "In service",
        None: "Not reported yet",
    },
}
# In plan mode None is a project with no target due by the year.
PLAN_NONE_LABELS = {"zh": "截至当年无到期目标", "en": "No target due yet"}

# Status colours: four stops of viridis (the planned yellow a shade darker so it shows on paper),
# colour-blind safe, their lightness falling steadily from planned to in service, so a grey
# photocopy keeps the order. Behind plan is red, drawn as a halo or ring: a shape as well as a
# colour.
STATUS_COLOURS: dict[str | None, str] = {
    "planned": "#e3cf1c",
    "under_construction": "#35b779",
    "completed": "#31688e",
    "in_service": "#440154",
    None: "#b0b0b0",
}
BEHIND_PLAN_COLOUR = "#d7301f"

# How a project's reported status moved between two years: the page's "what changed" and the
# comparison print list them in this order. Nothing reported ranks below planned. The colours are
# from Okabe and Ito's colour-blind-safe set (the page had red against green), and "back" is not
# behind-plan red: a project that went back need not be late.
MOVES = ("advanced", "back", "new", "dropped")
MOVE_LABELS = {
    "zh": {"advanced": "推进", "back": "倒退", "new": "新有报告", "dropped": "不再报告"},
    "en": {
        "advanced": "Advanced",
        "back": "Went back",
        "new": "Newly reported",
        "dropped": "No longer reported",
    },
}
MOVE_COLOURS = {"advanced": "#009e73", "back": "#d55e00", "new": "#0072b2", "dropped": "#999999"}


def move_of(before: str | None, after: str | None) -> str | None:
    """The move from status `before` to `after` (None: nothing reported); None if the same."""
    if before == after:
        return None
    if before is None:
        return "new"
    if after is None:
        return "dropped"
    return "advanced" if STATUSES.index(after) > STATUSES.index(before) else "back"


# "unplaced": a project the documents name whose site no public source gives; it has no geometry,
# is listed and counted, but not drawn.
GEOMETRY_QUALITIES = ("surveyed", "approximate", "schematic", "unplaced")

GEOMETRY_QUALITY_LABELS = {
    "zh": {
        "surveyed": "测绘",
        "approximate": "近似位置",
        "schematic": "示意位置",
        "unplaced": "未定位",
    },
    "en": {
        "surveyed": "surveyed",
        "approximate": "approximate",
        "schematic": "schematic",
        "unplaced": "unplaced",
    },
}

# How a township (or the district) boundary was made, best first: `official` from an imported
# boundary file (`tzmap import-boundaries`); `approximate` right to within about 1 km (the
# district's simplified outline); `schematic` a construction that only follows what is known of
# the real limits (the shipped townships: cells of their seats and of named places). While any
# township boundary is not official, which township a project lies in is an estimate, and every
# answer that depends on it says so.
BOUNDARY_QUALITIES = ("official", "approximate", "schematic")

BOUNDARY_QUALITY_LABELS = {
    "zh": {"official": "正式界线", "approximate": "近似界线", "schematic": "示意界线"},
    "en": {"official": "official", "approximate": "approximate", "schematic": "schematic"},
}

# What the feeds, the page and the prints say while membership rests on boundaries that are not
# official, by the least exact quality among the townships.
TOWNSHIP_MEMBERSHIP_NOTES = {
    "zh": {
        "approximate": "尚未导入正式乡镇街道界线：项目所属乡镇街道按近似界线估算。",
        "schematic": "尚未导入正式乡镇街道界线：项目所属乡镇街道按示意界线估算。",
    },
    "en": {
        "approximate": (
            "No official township boundaries are imported: township membership is estimated "
            "from approximate boundaries."
        ),
        "schematic": (
            "No official township boundaries are imported: township membership is estimated "
            "from schematic boundaries."
        ),
    },
}


def least_exact_boundary(qualities: Iterable[str]) -> str | None:
    """The least exact of these boundary qualities (None for none): what membership rests on."""
    present = set(qualities)
    return next((q for q in reversed(BOUNDARY_QUALITIES) if q in present), None)


def membership_estimated(qualities: Iterable[str]) -> bool:
    """Is township membership an estimate: is any of these township boundaries not official?"""
    return least_exact_boundary(qualities) not in (None, "official")


TOWNSHIP_KINDS = ("街道", "镇", "乡")

CATEGORIES = (
    "rail",
    "road",
    "hub",
    "administration",
    "business",
    "culture",
    "heritage",
    "tourism",
    "town",
    "education",
    "health",
    "elderly_care",
    "sport",
    "public_service",
    "ecology",
    "water",
    "utility",
    "housing",
    "industry",
    "renewal",
)

# The categories as the map, the prints and the report reader name them, by language (zh, en).
CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "rail": "轨道交通",
        "road": "道路",
        "hub": "交通枢纽",
        "administration": "行政办公",
        "business": "商务",
        "culture": "文化",
        "heritage": "文物遗产",
        "tourism": "文旅",
        "town": "特色小镇",
        "education": "教育",
        "health": "医疗卫生",
        "elderly_care": "养老",
        "sport": "体育",
        "public_service": "公共服务",
        "ecology": "生态",
        "water": "水务",
        "utility": "市政能源",
        "housing": "住房",
        "industry": "产业",
        "renewal": "城市更新",
    },
    "en": {
        "rail": "Rail",
        "road": "Road",
        "hub": "Transport hub",
        "administration": "Administration",
        "business": "Business",
        "culture": "Culture",
        "heritage": "Heritage",
        "tourism": "Tourism",
        "town": "Feature town",
        "education": "Education",
        "health": "Health",
        "elderly_care": "Elderly care",
        "sport": "Sport",
        "public_service": "Public service",
        "ecology": "Ecology",
        "water": "Water",
        "utility": "Utility / energy",
        "housing": "Housing",
        "industry": "Industry",
        "renewal": "Urban renewal",
    },
}

GEOMETRY_TYPES = (
    "POINT",
    "MULTIPOINT",
    "LINESTRING",
    "MULTILINESTRING",
    "POLYGON",
    "MULTIPOLYGON",
)

PROGRAMME_VALUE_KINDS = ("actual", "target")
# The stage a programme counts (开工 / 完成 / 投入使用): its target and every figure of its progress
# count the same stage, so that a figure reads as a share of its target.
PROGRAMME_STAGES = ("started", "completed", "in_service")
PROGRAMME_STAGE_LABELS = {
    "zh": {"started": "已开工", "completed": "已完成", "in_service": "已投入使用"},
    "en": {"started": "started", "completed": "completed", "in_service": "in service"},
}
INDICATOR_VALUE_KINDS = ("baseline", "actual", "estimate", "target")
QUALIFIERS = ("about", "at_least", "at_most")
# admin: everything, accounts too; planner: district-wide edits and review; township_editor:
# submits changes for projects in their own townships; viewer: reads (when reading needs a token).
USER_ROLES = ("admin", "planner", "township_editor", "viewer")
REVIEWER_ROLES = ("admin", "planner")
# Where a status event, target or figure came from: the authored catalogue (geodata/, which
# `tzmap load` keeps in sync), a report's proposal (`/extract`, `tzmap extract --apply`), or an
# edit in the app.
ORIGINS = ("catalogue", "report", "edit")
AUDIT_ACTIONS = ("create", "update", "delete", "load", "import", "submit", "approve", "reject")

# What a change to the catalogue made in the app can be, and where it is in its review.
CHANGE_KINDS = (
    "event",
    "target",
    "geometry",
    "project",
    "retire",
    "programme_figure",
    "indicator_figure",
)
CHANGE_STATES = ("submitted", "approved", "rejected")

# Lengths and areas are measured in CGCS2000 / 3-degree Gauss-Krüger CM 117E (zone 39 without the
# zone prefix), whose central meridian runs 0.3° from Tongzhou. EPSG:4547 is often quoted for
# Beijing but is the CM 114E zone: 2.6° off, it would overstate lengths by about 0.06 %.
METRIC_SRID = 4548
# Vector tiles are cut in Web Mercator; the read model keeps each geometry in it too.
WEB_MERCATOR_SRID = 3857
# Tiles up to this zoom are cut from a generalised copy of each geometry (simplified to a quarter
# of a 256-pixel tile's pixel at that zoom, 9.55 m): what they draw is the same, with fewer
# vertices to clip. Closer in, tiles are cut from the full geometry.
GENERALISED_MAX_ZOOM = 12
GENERALISED_TOLERANCE_M = 2 * math.pi * 6378137 / 2**GENERALISED_MAX_ZOOM / 256 / 4

# The plan period the map's year control covers (the 14th five-year plan and its 2026 goals).
PLAN_YEARS = tuple(range(2021, 2027))

# Years a plan or report of the sub-centre can speak of.
YEAR_MIN, YEAR_MAX = 2000, 2050

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MAX_LENGTH = 64
