"""The words of plan reports that tell a project's stage, and what each one means.

Roles:
- status: says the stage outright (开工 under way, 建成 finished, 通车 in service);
- partial: progress short of completion (基本完工, 结构封顶, 首段贯通): under construction, and
  the phrase is kept as the milestone;
- generic: a verb of progress (加快, 推进, 建设, 实施) that means construction unless the object is
  preparatory work;
- preparatory: work before construction (前期, 规划, 方案, 签约, 获批): planned;
- clearance: site clearance (腾退, 拆迁): construction-side work, so 完成…腾退 finishes only that;
- halt: work put off or stopped (暂缓, 停工): the clause states no stage to record.

- designation: a rating or listing (晋升为, 获评, 入选): it completes only a project whose goal is
  that rating (the 5A bid); of any other project it states no stage.

组建 (a school or group organised from existing ones) is no stage word: it builds nothing; nor is
成立 before its object (新成立…教育集团), only after a name (区儿童康复中心正式成立).
"""

from typing import Literal

Role = Literal["status", "partial", "generic", "preparatory", "clearance", "halt", "designation"]

UNDER_CONSTRUCTION = "under_construction"
STATUS_RANK = {"planned": 0, UNDER_CONSTRUCTION: 1, "completed": 2, "in_service": 3}

READY_FOR = (
    "通车",
    "投运",
    "运营",
    "开通",
    "使用",
    "开放",
    "入住",
    "开园",
    "开业",
    "通航",
    "竣工交用",
)

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "开工",
            "开工建设",
            "实现开工",
            "新开工",
            "进场施工",
            "施工",
            "在建",
            "续建",
            "启动建设",
            "启动改造",
            "启动实施",
            "启动试点",
            "动工",
            "破土动工",
            "开建",
            "奠基",
            "装饰装修",
            "机电安装",
        ),
        UNDER_CONSTRUCTION,
    ),
    **dict.fromkeys(
        (
            "建成",
            "完工",
            "竣工",
            "完成",
            "全面完工",
            "全面建成",
            "修缮完成",
            "改造建成",
            "建设完成",
            "新建",
            "创建",
            "落成",
            "交工",
            "验收",
            "交付",
            "通过验收",
            "竣工验收",
            # ready, not yet open: 具备通车条件, 达到运营条件 (不具备…条件 is negated like any
            # stage word)
            *(f"{verb}{use}条件" for verb in ("具备", "达到") for use in READY_FOR),
        ),
        "completed",
    ),
    **dict.fromkeys(
        (
            "投入使用",
            "交付使用",
            "建成投用",
            "建成使用",
            "建成投产",
            "竣工投产",
            "投用",
            "投产",
            "通车",
            "通车运行",
            "开通",
            "打通",
            "开园",
            "开馆",
            "开业",
            "对外开放",
            "开放",
            "运营",
            "投入运营",
            "实现运行",
            "运行",
            "启用",
            "开诊",
            "试诊",
            "开学",
            "招生",
            "入住",
            "入驻",
            "迁址入驻",
            "成立",
            "投运",
            "投入运行",
            "试运行",
            "试运营",
            "试营业",
            "营业",
            "通航",
            "迁入",
            "搬入",
            "迁至",
            "开通运营",
            "贯通运营",
            "搬进",
            "迎客",
            "启幕",
        ),
        "in_service",
    ),
}

PARTIAL_WORDS = (
    "基本完成",
    "主体施工",
    "主体竣工",
    "基本完工",
    "基本建成",
    "主体完工",
    "主体结构封顶",
    "结构封顶",
    "封顶",
    "首段贯通",
    "贯通",
    "即将通车",
    "即将完工",
    "初现雏形",
    "建设过半",
    "累计完工",
    # tunnelling and other steps of the works
    "盾构始发",
    "始发",
    "掘进",
    "出洞",
    "完成接收",
    "合龙",
    "洞通",
    "浇筑",
    "装修",
    "完成安装",
    "安装阶段",
    "完成总工程量",
    "基本结束",
    "收尾",
    "过半",
    "完工面积",
)

GENERIC_WORDS = (
    "建设",
    "加快",
    "加速",
    "推进",
    "加快推进",
    "加快建设",
    "加速建设",
    "全速推进",
    "持续加快",
    "加快实施",
    "实施",
    "启动",
    "打造",
    "改造",
    "改建",
    "协同建设",
    "栽植",
    "进展顺利",
)

PREPARATORY_WORDS = (
    "前期",
    "前期研究",
    "前期手续",
    "规划",
    "规划编制",
    "方案",
    "方案征集",
    "方案编制",
    "深化方案",
    "设计",
    "研究",
    "编制",
    "手续",
    "立项",
    "签约",
    "获批",
    "批复",
    "拿地",
    "落地条件",
    "征集",
    "进程",
    "用地预审",
    "选址",
    "选址意见书",
    "规划许可",
    "谋划",
)

CLEARANCE_WORDS = ("腾退", "申请式腾退", "拆迁", "征拆", "征收")

HALT_WORDS = ("暂缓", "暂停", "停工", "缓建", "推迟", "延期", "延后")

DESIGNATION_WORDS = (
    "晋升为",
    "晋级为",
    "获评",
    "被评为",
    "评为",
    "入选",
    "列入",
    "获批为",
    "创建为",
)

ROLES: dict[str, Role] = {
    **{word: "status" for word in STATUS_WORDS},
    **dict.fromkeys(PARTIAL_WORDS, "partial"),
    **dict.fromkeys(GENERIC_WORDS, "generic"),
    **dict.fromkeys(PREPARATORY_WORDS, "preparatory"),
    **dict.fromkeys(CLEARANCE_WORDS, "clearance"),
    **dict.fromkeys(HALT_WORDS, "halt"),
    **dict.fromkeys(DESIGNATION_WORDS, "designation"),
}

# Words of intent: in a report of the past year they announce next year's plan.
FUTURE_WORDS = (
    "力争",
    "确保",
    "计划",
    "拟",
    "争取",
    "将于",
    "明年",
    "预计",
    "有望",
    "目标是",
    "必须",
)

# Before a stage word, within a few characters: 尚未开工, 未能如期完工, 没有投入使用.
NEGATION_PATTERN = (
    r"(?:尚未|仍未|暂未|未能|没能|未|没有|无法|不能|不)(?:按期|如期|按时|能|再|全部|完全|全面)?"
    r"(?:向公众|向社会|对公众|对社会|对外)?$"
)
NEGATION_REACH = 10  # characters before a stage word where its negation may stand

# An intent the review says was held (原定年内投入使用): what was meant, not what happened.
PAST_INTENT_WORDS = (
    "原定",
    "原计划",
    "原拟",
    "原本计划",
    "原预计",
    "原本预计",
    "当时预计",
    "当时计划",
    "此前公布",
    "此前计划",
    "此前宣布",
)

# 新建项目, 改扩建工程: these verbs used as nouns name the project, they do not report a stage;
# nor does 研究 in 金融研究院 or 规划 in 规划院.
NOUN_USE_AFTER = ("项目", "工程")
# 运营里程, 建设规模, 施工单位, 开放时间: any stage word before these is a noun, not a verb.
MEASURE_NOUNS = (
    "里程",
    "规模",
    "面积",
    "单位",
    "模式",
    "时间",
    "成本",
    "费用",
    "期间",
    "周期",
    "收入",
)
# 运行平稳, 运营良好: how a place runs, not that it opened.
STATE_AFTER = ("平稳", "良好", "正常", "顺畅", "稳定")
# 建成后可在汛期…, 建成后作为总部使用, 开馆以来: "once (since) it is built" says what follows,
# not that it was.
AFTER_WORDS = ("后", "之后", "以后", "以来")
INSTITUTION_ENDINGS = ("院", "所", "局", "室")

# A stage word that states a stage only after the name (区儿童康复中心正式成立), not before it
# (新成立潞河中学、后南仓小学等3个教育集团 forms groups of existing schools).
AFTER_NAME_WORDS = ("成立",)
# …and one that states it only of the name after it: what is moved into is in use
# (市级行政中心正式迁入行政办公区), not who moves.
BEFORE_NAME_WORDS = ("迁入", "搬入", "搬进", "迁至")
# 新址在文化旅游区西北部: a name after these is where something stands.
PLACE_BEFORE = ("在", "位于", "地处", "紧邻", "毗邻", "邻近")
NOUN_USE_WORDS = ("新建", "改建", "改造", "扩建")

# Parts of a project: 三座车站完成主体施工, 西线隧道贯通 finish a part, not the whole.
PART_WORDS = (
    "车站",
    "段",
    "区间",
    "西线",
    "东线",
    "南线",
    "北线",
    "左线",
    "右线",
    "隧道",
    "部分",
    "主体",
    "土建",
    "结构",
    "基础",
    "主墩",
    "钢梁",
    "组团",
    "首片",
    "首栋",
    "单体",
    "核心区",
    "启动区",
    "启动段",
    "起步区",
    "首开区",
    "片区",
)
# …but the whole line or the whole project: 全线通车, 全面竣工.
WHOLE_WORDS = ("全线", "全部工程", "整体")

# Phase words after a project's name: 两河水网一期工程完成 finishes a phase, not the project.
PHASE_WORDS = ("一期", "首期", "二期", "三期", "一阶段")
