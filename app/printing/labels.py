"""The words a printed sheet uses, in Chinese and English. Data (project and township names,
milestones, document titles) stays in the language of the documents."""

import re
from typing import Literal

from app.vocab import CATEGORY_LABELS, MOVE_LABELS, PLAN_NONE_LABELS, STATUS_LABELS

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# Every other string of a sheet, by key; {placeholders} are filled with str.format.
TEXT: dict[Lang, dict[str, str]] = {
    "zh": {
        "subject_actual": "通州区重点项目进展图",
        "subject_plan": "通州区重点项目计划进度图",
        "subject_atlas": "通州区重点项目进展图集",
        "district": "全区",
        "selected_area": "选定范围",
        "summary": "共{n}项：{parts}；滞后于计划{late}项",
        "summary_reported": "共{n}项（据{reported}年报告）：{parts}；滞后于计划{late}项",
        "summary_part": "{label}{n}",
        "summary_sep": " · ",
        "as_of_actual": "截至{year}年底",
        "as_of_reported": "截至{year}年底（据{reported}年报告）",
        "as_of_plan": "截至{year}年底应达",
        "as_of_changes": "{since}年至{year}年状态变化",
        "as_of_changes_reported": "{since}年至{year}年状态变化（据{reported}年报告）",
        "summary_changes": "共{n}项状态有变化：{parts}",
        "summary_changes_reported": "共{n}项状态有变化（据{reported}年报告）：{parts}",
        "filter_status_ignored": "状态筛选不适用（比较全部状态）",
        "no_changes": "这两年之间没有状态变化的项目",
        "col_status_in": "{year}年状态",
        "col_status_in_reported": "{year}年状态（据{reported}年报告）",
        "col_move": "变化",
        "sep": " · ",
        "list_sep": "、",
        "legend_status_actual": "实际进展（截至{year}年底）",
        "legend_status_reported": "实际进展（截至{year}年底，据{reported}年报告）",
        "legend_status_plan": "计划应达状态（截至{year}年底）",
        "legend_categories": "类别",
        "group": "{group}：{v}",
        "heading": "{heading}：{body}",
        "clause_sep": "；",
        "sentence_sep": "",
        "sentence": "{text}。",
        "legend_context": "底图",
        "behind_plan": "滞后于计划",
        "district_boundary": "区界",
        "township_boundary": "乡镇街道界（近似）",
        "township_boundary_official": "乡镇街道界",
        "township_boundary_schematic": "乡镇街道界（示意）",
        "focus_township": "本乡镇街道",
        "map_number": "图上编号，见项目表",
        "numbers_left_out": "（密集处略去{n}个，见乡镇街道图）",
        "line_rail": "轨道交通线路",
        "line_road": "道路",
        "line_other": "水系、绿道、管线",
        "count": "{label}（{n}）",
        "filters": "筛选条件",
        "no_filters": "无（全部项目）",
        "filter_township": "乡镇街道：{v}",
        "filter_status": "状态：{v}",
        "filter_category": "类别：{v}",
        "filter_programme": "计划任务：{v}",
        "filter_behind": "仅滞后于计划的项目",
        "filter_on_schedule": "仅未滞后的项目",
        "filter_bbox": "范围：{v}",
        "filter_mode_plan": "着色：计划应达状态",
        "data_date": "进展报告截至{reported}年底；数据库更新于{updated}",
        "note_after_reports": (
            "{reported}年以后尚无年度进展报告，图中状态为最近一次报告所述及此后审核通过的更新。"
        ),
        "print_date": "打印日期：{date}",
        "note": "说明",
        "note_geometry": (
            "项目位置依据公开文件示意标绘（近似{approximate}项，示意{schematic}项），"
            "非测绘成果，不作为权属和界线依据。"
        ),
        "note_surveyed": "{n}项为测绘位置。",
        "note_boundaries": "乡镇街道界线为近似示意，非法定界线。",
        "note_boundaries_schematic": "乡镇街道界线为示意（据驻地和公开地名推算），非法定界线。",
        "note_unplaced": "{n}项位置未公开，仅列入项目表，图上未标绘。",
        "sources": "资料来源",
        "source_item": "《{title}》（{publisher}，{date}）",
        "crs": "坐标系：CGCS2000 / 3度带高斯-克吕格投影，中央经线117°E（EPSG:4548）",
        "scale": "比例尺 1:{denominator}（{paper}原大打印）",
        "approval": "审图号：{number}",
        "internal": "内部资料 注意保存",
        "north": "北",
        "no_projects": "没有符合筛选条件的项目",
        "page": "第 {n} 页 / 共 {total} 页",
        "table_title": "项目表",
        "table_continued": "（续）",
        "col_number": "图号",
        "col_name": "项目名称",
        "col_category": "类别",
        "col_townships": "乡镇街道",
        "col_status": "进展状态",
        "col_status_reported": "进展状态（据{reported}年报告）",
        "col_planned": "计划应达",
        "col_milestone": "进展（年份）",
        "col_target": "计划目标",
        "col_behind": "滞后",
        "yes": "是",
        "none": "—",
        "unplaced_mark": "未上图",
        "table_footnote": (
            "“未上图”：位置未公开，图上未标绘。滞后：计划目标年份已过而未达到目标状态。"
        ),
        "table_footnote_changes": (
            "“未上图”：位置未公开，图上未标绘。变化：后一年底与前一年底所报告的进展状态相比。"
        ),
        "target": "{year}年{status}",
        "milestone_year": "{milestone}（{year}）",
        "cover_summary": "各乡镇街道项目统计",
        "cover_summary_reported": "各乡镇街道项目统计（据{reported}年报告）",
        "col_township": "乡镇街道",
        "col_total": "项目",
        "col_page": "页码",
        "cover_unplaced": "位置未公开的项目（不属于任何乡镇街道页）",
        "cover_note": "一个项目跨多个乡镇街道时，在每个相关乡镇街道中分别计数。",
    },
    "en": {
        "subject_actual": "Tongzhou key projects: progress",
        "subject_plan": "Tongzhou key projects: planned progress",
        "subject_atlas": "Tongzhou key projects: township atlas",
        "district": "Whole district",
        "selected_area": "selected area",
        "summary": "{n} projects: {parts}; {late} behind plan",
        "summary_reported": "{n} projects as reported for {reported}: {parts}; {late} behind plan",
        "summary_part": "{label} {n}",
        "summary_sep": " · ",
        "as_of_actual": "as of end {year}",
        "as_of_reported": "as of end {year} (as reported for {reported})",
        "as_of_plan": "due by end {year}",
        "as_of_changes": "Status changes from end {since} to end {year}",
        "as_of_changes_reported": (
            "Status changes from end {since} to end {year} (as reported for {reported})"
        ),
        "summary_changes": "{n} projects changed status: {parts}",
        "summary_changes_reported": (
            "{n} projects changed status as reported for {reported}: {parts}"
        ),
        "filter_status_ignored": "status filter not applied (every status is compared)",
        "no_changes": "No project changed status between these years",
        "col_status_in": "Status {year}",
        "col_status_in_reported": "Status {year} (as reported for {reported})",
        "col_move": "Change",
        "sep": " · ",
        "list_sep": ", ",
        "legend_status_actual": "Status (as of end {year})",
        "legend_status_reported": "Status (as of end {year}, as reported for {reported})",
        "legend_status_plan": "Status due by plan (end {year})",
        "legend_categories": "Categories",
        "group": "{group}: {v}",
        "heading": "{heading}: {body}",
        "clause_sep": "; ",
        "sentence_sep": " ",
        "sentence": "{text}.",
        "legend_context": "Base map",
        "behind_plan": "Behind plan",
        "district_boundary": "District boundary",
        "township_boundary": "Township boundary (approximate)",
        "township_boundary_official": "Township boundary",
        "township_boundary_schematic": "Township boundary (schematic)",
        "focus_township": "This township",
        "map_number": "Map number, see the project table",
        "numbers_left_out": " ({n} left out where crowded; see the township sheets)",
        "line_rail": "Rail line",
        "line_road": "Road",
        "line_other": "Waterway, greenway, pipeline",
        "count": "{label} ({n})",
        "filters": "Filters",
        "no_filters": "none (all projects)",
        "filter_township": "township: {v}",
        "filter_status": "status: {v}",
        "filter_category": "category: {v}",
        "filter_programme": "programme: {v}",
        "filter_behind": "behind plan only",
        "filter_on_schedule": "not behind plan only",
        "filter_bbox": "area: {v}",
        "filter_mode_plan": "coloured by status due by plan",
        "data_date": "Progress reported to end {reported}; database updated {updated}",
        "note_after_reports": (
            "No annual report covers the years after {reported}: statuses are as last reported,"
            " with the updates approved since."
        ),
        "print_date": "Printed: {date}",
        "note": "Note",
        "note_geometry": (
            "Sites are drawn from public documents ({approximate} approximate, {schematic} "
            "schematic); not survey-grade, not evidence of boundaries or ownership."
        ),
        "note_surveyed": "{n} surveyed.",
        "note_boundaries": "Township boundaries are approximate, not the legal boundaries.",
        "note_boundaries_schematic": (
            "Township boundaries are schematic (worked out from the seats and named places), "
            "not the legal boundaries."
        ),
        "note_unplaced": "{n} projects have no published site: listed in the table, not drawn.",
        "sources": "Sources",
        "source_item": "“{title}” ({publisher}, {date})",
        "crs": "CRS: CGCS2000 / 3-degree Gauss-Krüger CM 117E (EPSG:4548)",
        "scale": "Scale 1:{denominator} (printed at 100 % on {paper})",
        "approval": "Map approval number: {number}",
        "internal": "INTERNAL USE ONLY",
        "north": "N",
        "no_projects": "No project matches the filters",
        "page": "Page {n} of {total}",
        "table_title": "Projects",
        "table_continued": " (continued)",
        "col_number": "No.",
        "col_name": "Project",
        "col_category": "Category",
        "col_townships": "Townships",
        "col_status": "Status",
        "col_status_reported": "Status (as reported for {reported})",
        "col_planned": "Due by plan",
        "col_milestone": "Progress (year)",
        "col_target": "Target",
        "col_behind": "Late",
        "yes": "yes",
        "none": "—",
        "unplaced_mark": "not drawn",
        "table_footnote": (
            "“not drawn”: no published site. Late: a target year has passed without the "
            "target status being reached."
        ),
        "table_footnote_changes": (
            "“not drawn”: no published site. Change: the status reported at the end of the "
            "later year against that of the earlier one."
        ),
        "target": "{status} by {year}",
        "milestone_year": "{milestone} ({year})",
        "cover_summary": "Projects per township",
        "cover_summary_reported": "Projects per township (as reported for {reported})",
        "col_township": "Township",
        "col_total": "Total",
        "col_page": "Page",
        "cover_unplaced": "Projects with no published site (on no township sheet)",
        "cover_note": "A project in several townships is counted in each of them.",
    },
}


def text(lang: Lang, key: str, **values: object) -> str:
    return TEXT[lang][key].format(**values)


def status_label(lang: Lang, status: str | None, plan_mode: bool = False) -> str:
    if status is None and plan_mode:
        return PLAN_NONE_LABELS[lang]
    return STATUS_LABELS[lang][status]


def move_label(lang: Lang, move: str) -> str:
    return MOVE_LABELS[lang][move]


def category_label(lang: Lang, category: str) -> str:
    return CATEGORY_LABELS[lang].get(category, category)


def label_words(label: str) -> tuple[str, ...]:
    """The words of a Chinese label a line may not break inside (text.wrap's `keep`): 完工/建成
    breaks after the slash only, a label of up to four characters (投入使用, 医疗卫生) not at
    all, a longer phrase in its middle only (截至当年 / 无到期目标), so it takes two lines at
    most and leaves no character alone. Latin labels break between their words anyway."""
    if label.isascii():
        return ()
    if "/" in label:
        return tuple(re.findall(r"[^/]+/?", label))
    if len(label) <= 4:
        return (label,)
    half = len(label) // 2
    return (label[:half], label[half:])


# Point projects are drawn with one marker shape per family of categories (style.py).
GROUP_LABELS: dict[Lang, dict[str, str]] = {
    "zh": {
        "transport": "交通",
        "services": "公共服务",
        "culture": "文化旅游",
        "environment": "生态水务",
        "utility": "市政能源",
        "development": "产业城镇",
    },
    "en": {
        "transport": "Transport",
        "services": "Public services",
        "culture": "Culture, tourism",
        "environment": "Ecology, water",
        "utility": "Utilities",
        "development": "Development",
    },
}
