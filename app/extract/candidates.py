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
    "综合楼",
    "医技楼",
    "门诊楼",
    "住院楼",
    "教学楼",
    "办公楼",
    "度假区",
    "景区",
    "蓄滞洪区",
    "综合治理",
    "新址",
    "大道",
    "绿道",
    "立交",
    "管廊",
    "湿地",
    "住房",
    "东延",
    "西延",
    "南延",
    "北延",
    "一期",
    "二期",
    "三期",
    "四期",
    "五期",
    "集租房",
    "安置房",
    "船闸",
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
    "主题公园",
    "度假酒店",
    "重点工程",
    "市重点工程",
    "公共服务项目",
    "续建项目",
    "新建项目",
    "市重点项目",
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
    "双线",
    "单线",
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
    r"^(?:[一二三四五六七八九十]+是|\d+[.．、]|[①-⑳]|第[一二三四五六七八九十]+|地铁|轨道交通|配合|协调|狠抓|抓好|紧抓|再推动|跟进|引进|新一轮|一轮|依托|围绕|聚焦|支持|推动|加强|强化|深化|完善|提升|发挥|用好|积极|大力|全力保障|全力|全面|持续|"
    r"进一步|着力|力促|力争|争取|确保|实现|开展|举办|以|在|紧邻|毗邻|邻近|对|与|将|新增|新一批|新|首批|一批|各类|"
    r"一系列|一些|重点|[\d.]+[万亿]?[余多]?[个所家座条处项批类]|利用|原有|现有|既有|个别|其余|其他|各|该|"
    r"这座|这条|这处|这个|此|其中|以及|列入|做好|办好|同步|随之|相继|年底|年内|年初|年末|年中|目前|当前|今年|去年|明年|同年|次年|全年|已经|已|"
    r"[^、，]{1,6}?(?:周边|附近|沿线|一带|境内))+"
)
# Adverbs, dates and light verbs between a name and its stage word: 紫运南街随之开通,
# 文旅区中学新建项目取得用地预审.
_TRAILING = re.compile(
    r"(?:比原计划|比原定|比计划|计划[^、，]{0,6}|预计|有望|[自从于]|(?:今|去|前|明)年|\d{1,2}月(?:\d{1,2}日)?|[一二三四]季度|上半年|下半年|年初|年中|年内|年底|随之|同步|相继|先后|"
    r"陆续|一并|正式|全面|全线|全部|基本|大体|顺利|提前|加紧|加快|持续|如期|按期|率先|已经|已|均|也|都|要|在|将|正在|前|放行|"
    r"仍在|仍|还在|还|继续|开门|开班|紧张|作为|就此|安排在|安排|20\d\d年|主体工程|主体|"
    r"取得|获得|实现|完成|进行|开始|开展|处于|做好|地下结构|主体结构|结构|"
    r"[一二两三四五六七八九十\d]+[条座个所处项家][^、，]{0,8}|首[栋座个批片段条][^、，]{0,6}|各有[^、，]{0,8}|[\u4e00-\u9fff]{1,3}段)+$"
)
# A phrase that starts like a clause, or holds a verb no name holds: 后可在汛期把…分入潮白河.
# 东六环原有地面道路: what exists already is no new project; 西线隧道, 北区学部楼: parts of one.
_PART_START = r"^(?:[东西南北左右]线|[东西南北]区|先期|首期|[一二三]期)"
_A_PART = re.compile(_PART_START)
_LINE_NUMBER = re.compile(r"\d+号线")
_NOT_A_NAME = re.compile(
    r"^[后可但并且又再也还即则而使让被由从对将已仍均就才为]|(?<!自)由|把|可在|可以|能够|应当|原有|现有|既有|进入|阶段|至|"
    r"^连接|^衔接|^通往|^串联|[\d一二两三四五六七八九十几]+[座个所条处项家站]|全部|全面|主体工程$|"
    + _PART_START
)
# A bracket right after a phrase that ends there gives its other name (紫运中路（芙蓉东路）、…):
# not a second thing. One that the name goes on after (北运河（通州段）综合治理) is part of it.
_BRACKETED = re.compile(r"(?<=[^□■、，,；;。：:\s])[（(][^（）()]{1,10}[）)]")
_ENDS_PHRASE = "□■、和及与等，,；;。：:“”\"'《》「」 "
INNER_BRACKETS = str.maketrans("（）()", "〔〕〔〕")
_PHASE_BRACKET = re.compile(r"〔[^〔〕]*〕$")
# “万象汇”: a name in quotes right after the kind of thing it is (购物中心“万象汇”).
_QUOTED_NAME = re.compile(r"“([^“”□■，。、]{2,8})”")
# …占地2.8万平方米的“万象汇”: a place described by its size; a quoted slogan is no name.
_DESCRIBED_PLACE = re.compile(r"(?:平方米|公顷|亩|公里|米)的$")
_PLACE_KINDS = ("中心", "综合体", "商场", "广场", "大厦", "公园", "园", "馆", "小镇", "街区")
_WORKS = ("工程", "项目")
# 实施一批国家重大科技项目和应用示范项目: a quantity of a kind names no project, nor do the
# items listed with it; 国际财富管理中心 is a role the city plays.
_A_KIND = re.compile(
    r"新一轮|一轮|新一批|一批|首批|各类|一系列|一些|多个|若干|[\d.]+[万亿]?[余多]?[个所家座条处项批类]"
)
_ROLES = ("国际", "全球", "世界")
_A_RATING = re.compile(r"^国家(?:级|\dA)")  # 国家5A级旅游景区, 国家级…: a rating, not a place
_ITEM = re.compile(r"[^、和及与，,；;。：:]+")
_SEGMENT = re.compile(r"[^，,；;。：:]+")
_PHRASE = re.compile(r"[^□■、和及与等，,；;。：:（）()“”‘’\"'《》「」—\s]+")
MIN_LENGTH, MAX_LENGTH = 3, 20


# After 等 comes the kind of the things listed (等一批文化保护和开发项目), up to the verb.
_LIST_KIND = re.compile(r"等[^□■]*")


def find_candidates(blotted: str, clause: Span) -> list[Mention]:
    """Unknown names in a clause blotted of known names (□) and stage words (■)."""
    found = []
    blotted = _LIST_KIND.sub(lambda m: "■" * len(m.group()), blotted)
    blotted = _BRACKETED.sub(lambda m: _bracket(blotted, m), blotted)
    a_kind = False
    for at, phrase in _phrases(blotted):
        listed = blotted[at - 1 : at] in "、和及与" if at else False
        a_kind = (a_kind and listed) or bool(_A_KIND.match(_lead(phrase)))
        name = _name_in(phrase)
        if name is not None and not a_kind:
            start = clause.start + at + name[0]
            found.append(Mention(start, start + len(name[1]), name[1], ()))
    found += _quoted_names(blotted, clause, found)
    return [c for c in found if not _among_kinds(blotted, clause, c, found)]


def _bracket(blotted: str, match: re.Match[str]) -> str:
    ends_here = match.end() == len(blotted) or blotted[match.end()] in _ENDS_PHRASE
    return "■" * len(match.group()) if ends_here else match.group().translate(INNER_BRACKETS)


def _quoted_names(blotted: str, clause: Span, found: list[Mention]) -> list[Mention]:
    taken = {c.start for c in found}
    names: list[Mention] = []
    for match in _QUOTED_NAME.finditer(blotted):
        before = blotted[: match.start()]
        start = clause.start + match.start(1)
        if start not in taken and (
            before.endswith(_PLACE_KINDS) or _DESCRIBED_PLACE.search(before)
        ):
            names.append(Mention(start, start + len(match.group(1)), match.group(1), ()))
    return names


def _phrases(blotted: str) -> list[tuple[int, str]]:
    """The phrases between separators, by offset; 潮白河综合治理与生态修复工程 is one: a phrase
    that names nothing joins the works named after 与 or 和."""
    phrases: list[tuple[int, str]] = []
    for match in _PHRASE.finditer(blotted):
        at, phrase = match.start(), match.group()
        right = _name_in(phrase)
        if phrases and blotted[at - 1 : at] in "与和" and right and right[1].endswith(_WORKS):
            before_at, before = phrases[-1]
            left = _name_in(before)
            if before_at + len(before) == at - 1 and not (left and left[1].endswith(_WORKS)):
                phrases[-1] = (before_at, blotted[before_at : match.end()])
                continue
        phrases.append((at, phrase))
    return phrases


def _lead(phrase: str) -> str:
    """The verbs and qualifiers a phrase opens with, without its verbs (实施一批 → 一批)."""
    lead = _LEADING.match(phrase)
    words = lead.group() if lead else ""
    found = _A_KIND.search(words)
    return words[found.start() :] if found else ""


def _name_in(phrase: str) -> tuple[int, str] | None:
    """The name a phrase holds, and where: after its last 的 (总建筑面积约16万平方米的北京海昌海洋
    公园), else before it (北京舞蹈学院通州校区的用地保障), without leading verbs and qualifiers
    or trailing adverbs; of a kind word put before a name (室内乐园顶点公园), the name."""
    bounds = [0] + [i + 1 for i, c in enumerate(phrase) if c == "的"] + [len(phrase) + 1]
    pieces = [(bounds[k], bounds[k + 1] - 1) for k in range(len(bounds) - 1)]
    owner = _named_works(phrase, pieces[0]) if len(pieces) > 1 else None
    if owner is not None:  # 北京胸科医院危房改建项目的新建医疗综合楼: the building is the project's
        return owner
    for first, last in reversed(pieces):
        lead = _LEADING.match(phrase, first, last)
        skip = lead.end() if lead else first
        name = _before_trailing(phrase[skip:last], described=first > 0)
        if name:
            inner = _after_apposition(name)
            return skip + len(name) - len(inner), inner
    return None


def _before_trailing(words: str, described: bool) -> str:
    """The longest name at the start of `words` that only adverbs, dates and light verbs follow
    (北三县供水工程通州段年内 → 北三县供水工程, not a name cut inside by …程通州段)."""
    for end in range(len(words), MIN_LENGTH - 1, -1):
        rest = words[end:]
        if (not rest or _TRAILING.fullmatch(rest)) and _is_candidate(words[:end], described):
            return words[:end]
    return ""


def _named_works(phrase: str, piece: tuple[int, int]) -> tuple[int, str] | None:
    """The piece before 的 when it names works of their own (…项目, …工程)."""
    first, last = piece
    lead = _LEADING.match(phrase, first, last)
    skip = lead.end() if lead else first
    name = phrase[skip:last]
    return (skip, name) if name.endswith(_WORKS) and _is_candidate(name) else None


def _after_apposition(name: str) -> str:
    """室内乐园顶点公园 → 顶点公园: a shorter name of the same kind ends the phrase."""
    for k in range(MIN_LENGTH, len(name) - MIN_LENGTH + 1):
        if name[k - 1] == name[-1] and _is_candidate(name[k:]):
            return name[k:]
    return name


def _among_kinds(blotted: str, clause: Span, candidate: Mention, found: list[Mention]) -> bool:
    """同步建设水闸、堤防、跨河桥梁和巡河路: a list of kinds of works, not of names; or of parts."""
    at = candidate.start - clause.start
    segment = next(m for m in _SEGMENT.finditer(blotted) if m.start() <= at < m.end())
    spans = [(c.start - clause.start, c.end - clause.start) for c in found]
    items = kinds = 0
    for item in _ITEM.finditer(blotted, segment.start(), segment.end()):
        if not item.group().strip("□■"):
            continue
        if _A_PART.match(item.group()):
            return True  # 学生事务中心和北区学部楼一期…封顶: listed with a part, a part too
        items += 1
        kinds += not any(start < item.end() and item.start() < end for start, end in spans)
    return items >= 3 and kinds >= 2


def _is_candidate(name: str, described: bool = False) -> bool:
    """Whether a phrase reads as a name; one that follows a description (…的带状公园) needs a
    longer stem, since the description often only leads to a kind of thing."""
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH or name in GENERIC:
        return False
    if name.endswith(NOT_NAMES) or "的" in name or _NOT_A_NAME.search(name):
        return False
    if name[0].isdigit() and not _LINE_NUMBER.match(name):  # 7号线东延 is a name, 2站 not
        return False
    if name.startswith(_ROLES) or _A_RATING.match(name):
        return False
    core = _PHASE_BRACKET.sub("", name)  # 宋庄蓄滞洪区（二期）
    suffix = next((s for s in SUFFIXES if core.endswith(s)), None)
    if suffix is None:
        return False
    name = core
    long_stem = described or suffix in LONG_STEM_SUFFIXES
    return len(name) - len(suffix) >= (3 if long_stem else 2)
