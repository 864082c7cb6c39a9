"""Names the catalogue does not know: noun phrases that end like a project (…路, …中心, …公园).

They are found in a clause whose known names and stage words are blotted out, so what is left
between separators is a phrase; a phrase ending in a project word is a candidate for a new project.
"""

import re

from app.extract.mentions import Mention
from app.extract.sentences import Span

SUFFIXES = (
    "路",
    "街",
    "桥",
    "中心",
    "医院",
    "院区",
    "学校",
    "小学",
    "中学",
    "幼儿园",
    "校区",
    "公园",
    "小镇",
    "基地",
    "园",
    "馆",
    "站",
    "枢纽",
    "线",
    "水网",
    "河",
    "渠",
    "厂",
    "总部",
    "社区",
    "大厦",
    "酒店",
    "广场",
    "工程",
    "项目",
    "大楼",
    "大道",
    "绿道",
    "立交",
    "管廊",
    "湿地",
    "住房",
    "集租房",
    "安置房",
)

# Words for a kind of thing, not the name of one.
GENERIC = {
    "道路",
    "干路",
    "主次干路",
    "干道",
    "线路",
    "项目",
    "工程",
    "公园",
    "学校",
    "中心",
    "医院",
    "站点",
    "社区",
    "园区",
    "基地",
    "重点项目",
    "重大项目",
    "更新项目",
    "改造项目",
    "扩产项目",
    "配套项目",
    "示范项目",
    "产业项目",
    # a kind of building, said alone by ellipsis (路县故城遗址公园及博物馆)
    "博物馆",
    "图书馆",
    "美术馆",
    "体育馆",
    "科技馆",
    "纪念馆",
    "展览馆",
    "文化馆",
    "剧院",
    "大剧院",
    "地面道路",
    "城市干路",
}

# Endings that look like a project word but are not one (主线, 思路, 上线), and the city itself.
NOT_NAMES = (
    "主线",
    "底线",
    "防线",
    "一线",
    "上线",
    "路线",
    "热线",
    "战线",
    "思路",
    "新路",
    "全线",
    "沿线",
    "副中心",
)
# Generic words need a longer name before them: 一期工程, 韧性项目 are no names.
LONG_STEM_SUFFIXES = (
    "工程",
    "项目",
    "社区",
    "中心",
    "基地",
    "园",
    "住房",
)

# Verbs and qualifiers that open a phrase without being part of a name.
_LEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+是|狠抓|抓好|紧抓|再推动|跟进|引进|新一轮|一轮|依托|围绕|聚焦|支持|推动|加强|强化|深化|完善|提升|发挥|用好|积极|大力|全力|全面|持续|"
    r"进一步|着力|力促|力争|争取|确保|实现|开展|举办|以|在|对|与|将|新|首批|新一批|一批|各类|"
    r"一系列|一些|重点|[\d.]+[万亿]?[余多]?[个所家座条处项批类]|利用|原有|现有|既有|个别|其余|其他|各|该|"
    r"这座|这条|这处|这个|此|[^、，]{1,6}?(?:周边|附近|沿线|一带|境内))+"
)
# Adverbs, dates and light verbs between a name and its stage word: 紫运南街随之开通,
# 文旅区中学新建项目取得用地预审.
_TRAILING = re.compile(
    r"(?:\d{1,2}月(?:\d{1,2}日)?|年内|年底|随之|同步|相继|先后|陆续|一并|正式|全面|全线|基本|顺利|"
    r"加紧|加快|持续|如期|按期|率先|已经|已|均|也|将|取得|获得|实现|完成|进行|开始|开展)+$"
)
# A phrase that starts like a clause, or holds a verb no name holds: 后可在汛期把…分入潮白河.
# 东六环原有地面道路: what exists already is no new project; 西线隧道, 北区学部楼: parts of one.
_NOT_A_NAME = re.compile(
    r"^[后可但并且又再也还即则而使让被由从对将已仍均就才]|把|可在|可以|能够|应当|原有|现有|既有|"
    r"^(?:[东西南北左右]线|[东西南北]区|先期|首期|[一二三]期)"
)
# A bracket right after a phrase gives its other name (紫运中路（芙蓉东路）): not a second thing.
_BRACKETED = re.compile(r"(?<=[^□■、，,；;。：:\s])[（(][^（）()]{1,10}[）)]")
_ENUMERATION_SEPARATORS = re.compile(r"[、和及与]")
_SEGMENT = re.compile(r"[^，,；;。：:]+")
_PHRASE = re.compile(r"[^□■、和及与等，,；;。：:（）()“”‘’\"'《》「」\s]+")
MIN_LENGTH, MAX_LENGTH = 3, 20


# After 等 comes the kind of the things listed (等一批文化保护和开发项目), up to the verb.
_LIST_KIND = re.compile(r"等[^□■]*")


def find_candidates(blotted: str, clause: Span) -> list[Mention]:
    """Unknown names in a clause blotted of known names (□) and stage words (■)."""
    found = []
    blotted = _LIST_KIND.sub(lambda m: "■" * len(m.group()), blotted)
    blotted = _BRACKETED.sub(lambda m: "■" * len(m.group()), blotted)
    for match in _PHRASE.finditer(blotted):
        phrase = match.group()
        lead = _LEADING.match(phrase)
        skip = lead.end() if lead else 0
        trail = _TRAILING.search(phrase, skip)
        name = phrase[skip : trail.start() if trail else len(phrase)]
        if _is_candidate(name):
            start = clause.start + match.start() + skip
            found.append(Mention(start, start + len(name), name, ()))
    return [c for c in found if not _among_kinds(blotted, clause, c, found)]


def _among_kinds(blotted: str, clause: Span, candidate: Mention, found: list[Mention]) -> bool:
    """同步建设水闸、堤防、跨河桥梁和巡河路: a list of kinds of works, not of names."""
    at = candidate.start - clause.start
    segment = next(m for m in _SEGMENT.finditer(blotted) if m.start() <= at < m.end())
    items = [i for i in _ENUMERATION_SEPARATORS.split(segment.group()) if i.strip("□■")]
    names = {c.form for c in found}
    kinds = [i for i in items if not any(name in i for name in names)]
    return len(items) >= 3 and len(kinds) >= 2


def _is_candidate(name: str) -> bool:
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH or name in GENERIC:
        return False
    if name.endswith(NOT_NAMES) or name[0].isdigit() or "的" in name or _NOT_A_NAME.search(name):
        return False
    suffix = next((s for s in SUFFIXES if name.endswith(s)), None)
    if suffix is None:
        return False
    return len(name) - len(suffix) >= (3 if suffix in LONG_STEM_SUFFIXES else 2)
