"""The report language, case by case, on sentences written for the purpose (no database)."""

import pytest

from app.extract.frames import YearUnknown, detect_report_year
from app.extract.lexicon import Entity, Lexicon, stated_count
from app.extract.mentions import find_mentions
from app.extract.proposals import Proposal, extract
from app.extract.sentences import sentences

REVIEW = "一、2023年国民经济和社会发展计划执行情况\n"
PLAN = "二、2024年国民经济和社会发展主要目标\n"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    def project(pid: str, name: str, *aliases: str) -> Entity:
        return Entity("project", pid, name, (name, *aliases))

    return Lexicon(
        [
            project("e6r", "东六环入地改造", "东六环路入地改造"),
            project("ring", "东六环"),  # a shorter name inside the longer one
            project("m101", "M101线"),
            project("l6", "6号线南延"),
            project("hub", "副中心站综合交通枢纽"),
            project("town", "宋庄艺术创意小镇"),
            project("street", "印象街"),
            project("theatre", "副中心大剧院"),
            project("library", "副中心图书馆"),
            project("museum", "副中心博物馆"),
            project("road", "京台路"),
            Entity(
                "programme",
                "green-heart",
                "绿心三大文化设施",
                ("绿心三大文化设施",),
                "座",
                ("library", "museum", "theatre"),
            ),
            Entity("programme", "old", "老旧小区综合整治", ("老旧小区综合整治",), "个"),
            Entity("indicator", "forest", "森林覆盖率", ("森林覆盖率",), "%"),
        ]
    )


def projects(text: str, lexicon: Lexicon) -> dict[str, Proposal]:
    return {p.entity_id or "": p for p in extract(text, lexicon).proposals if p.entity == "project"}


def test_longest_name_wins(lexicon: Lexicon) -> None:
    found = find_mentions("东六环入地改造西线隧道首段贯通", lexicon)
    assert [m.form for m in found] == ["东六环入地改造"]


def test_sentences_keep_offsets() -> None:
    text = "一、标题\n甲路开工；乙路,丙路完工。\n"
    parts = sentences(text)
    assert [s.text for s in parts] == ["一、标题", "甲路开工", "乙路,丙路完工"]
    assert parts[0].heading and not parts[1].heading
    clause = parts[2].clauses[1]
    assert text[clause.start : clause.end] == "丙路完工"


def test_review_reports_events_of_the_year(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "M101线实现开工，京台路竣工通车。", lexicon)
    assert (found["m101"].kind, found["m101"].year, found["m101"].status) == (
        "event",
        2023,
        "under_construction",
    )
    assert (found["road"].kind, found["road"].status) == ("event", "in_service")


def test_plan_gives_targets_of_the_next_year(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "M101线加快建设。\n" + PLAN + "确保M101线建成通车。", lexicon)
    targets = [p for p in found.values() if p.kind == "target"]
    assert [(p.entity_id, p.year, p.status) for p in targets] == [("m101", 2024, "in_service")]


def test_intent_in_a_review_is_next_years_plan(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "京台路力争年内开工。", lexicon)
    assert (found["road"].kind, found["road"].year) == ("target", 2024)


def test_partial_progress_is_under_construction_with_its_milestone(lexicon: Lexicon) -> None:
    text = (
        REVIEW
        + "东六环入地改造西线隧道首段贯通，副中心站综合交通枢纽主体结构封顶，京台路基本完工。"
    )
    found = projects(text, lexicon)
    assert {p.status for p in found.values()} == {"under_construction"}
    assert found["e6r"].milestone == "西线隧道首段贯通"
    assert found["hub"].milestone == "主体结构封顶"
    assert found["road"].milestone == "基本完工"
    assert "ring" not in found


def test_negation_proposes_no_stage(lexicon: Lexicon) -> None:
    found = projects(
        REVIEW + "M101线尚未开工，京台路未能如期完工，6号线南延没有投入使用。", lexicon
    )
    assert found == {}


def test_negated_completion_leaves_construction(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "京台路建设尚未完工。", lexicon)
    assert found["road"].status == "under_construction"


def test_several_projects_in_one_sentence_each_with_its_verb(lexicon: Lexicon) -> None:
    text = REVIEW + "M101线开工建设和6号线南延建成通车，完成京台路前期手续办理。"
    found = projects(text, lexicon)
    assert found["m101"].status == "under_construction"
    assert found["l6"].status == "in_service"
    assert found["road"].status == "planned"


def test_a_shared_verb_covers_a_list(lexicon: Lexicon) -> None:
    found = projects(PLAN + "加快M101线、6号线南延、京台路等项目建设。", lexicon)
    assert {p.status for p in found.values()} == {"under_construction"}
    assert len(found) == 3


def test_a_programme_that_counts_its_members_stands_for_them(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "绿心三大文化设施基本完工。", lexicon)
    assert set(found) == {"theatre", "library", "museum"}
    assert all(p.mention == "绿心三大文化设施" for p in found.values())


def test_a_place_named_before_a_project_is_proposed_below_threshold(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "宋庄艺术创意小镇印象街提升改造项目启动。", lexicon)
    assert found["street"].status == "under_construction" and found["street"].accepted
    assert found["town"].status == "under_construction" and not found["town"].accepted


def test_unknown_names_are_listed_as_candidates(lexicon: Lexicon) -> None:
    proposals = extract(REVIEW + "潮白河大桥开工建设，依托北京自贸区展示中心。", lexicon).proposals
    candidates = {p.entity_name: p for p in proposals if p.entity == "candidate"}
    assert candidates["潮白河大桥"].status == "under_construction"
    assert candidates["北京自贸区展示中心"].status is None
    assert not any(p.accepted for p in candidates.values())


def test_figures_for_programmes_and_indicators(lexicon: Lexicon) -> None:
    text = (
        REVIEW + "完成5个老旧小区综合整治，森林覆盖率达34%左右。\n" + PLAN + "森林覆盖率提高至35%。"
    )
    figures = {
        (p.entity_id, p.value_kind, p.year): p
        for p in extract(text, lexicon).proposals
        if p.value is not None
    }
    assert figures[("old", "actual", 2023)].value == 5
    forest = figures[("forest", "actual", 2023)]
    assert (forest.value, forest.unit, forest.qualifier) == (34, "%", "about")
    assert figures[("forest", "target", 2024)].value == 35


def test_repeated_facts_are_marked(lexicon: Lexicon) -> None:
    proposals = extract(PLAN + "加快M101线建设。推进M101线建设。", lexicon).proposals
    assert [p.state for p in proposals] == ["new", "repeat"]


def test_report_year_from_the_text() -> None:
    assert detect_report_year("关于2024年国民经济和社会发展计划执行情况的报告") == 2024
    assert detect_report_year("2025年全区经济和社会发展的主要目标是:") == 2024
    assert detect_report_year("M101线加快建设。") is None
    with pytest.raises(YearUnknown, match="--report-year"):
        extract("M101线加快建设。", Lexicon([]))
    assert extract("M101线加快建设。", Lexicon([]), report_year=2030).years.plan == 2031


def test_stated_counts() -> None:
    assert stated_count("绿心三大文化设施") == 3
    assert stated_count("17条断头路") == 17
    assert stated_count("副中心大剧院、图书馆、博物馆") == 3
    assert stated_count("特色小镇") is None


def test_finishing_a_part_is_progress_not_completion(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "6号线南延三座车站完成主体施工，京台路南段车站建成。", lexicon)
    assert found["l6"].status == "under_construction"
    assert found["l6"].milestone == "三座车站完成主体施工"
    assert found["road"].status == "under_construction"


def test_work_put_off_states_no_stage(lexicon: Lexicon) -> None:
    assert projects(REVIEW + "京台路因拆迁问题暂缓实施。", lexicon) == {}


def test_organising_a_school_states_no_stage(lexicon: Lexicon) -> None:
    assert projects(REVIEW + "印象街组建九年一贯制学校。", lexicon) == {}


def candidates(text: str, lexicon: Lexicon) -> dict[str, Proposal]:
    return {p.mention: p for p in extract(text, lexicon).proposals if p.entity == "candidate"}


def test_names_as_reports_write_them(lexicon: Lexicon) -> None:
    text = REVIEW + "北京城市副中心站综合交通枢纽主体结构封顶；北京友谊医院二期开诊。\n"
    hub = projects(text, lexicon)["hub"]
    assert hub.mention == "北京城市副中心站综合交通枢纽" and hub.status == "under_construction"
    found = find_mentions("城市副中心站综合交通枢纽（一期）", lexicon)
    assert [(m.form, m.entities[0].id) for m in found] == [
        ("城市副中心站综合交通枢纽（一期）", "hub")
    ]


def test_a_clause_without_a_name_speaks_of_the_subject(lexicon: Lexicon) -> None:
    text = (
        REVIEW
        + "京台路全长20公里，北段全部开工；M101线主体结构封顶，预计2026年竣工、2027年投入使用。\n"
    )
    found = extract(text, lexicon).proposals
    road = [p for p in found if p.entity_id == "road"]
    assert [(p.kind, p.status, p.year) for p in road] == [("event", "under_construction", 2023)]
    m101 = {(p.kind, p.status, p.year) for p in found if p.entity_id == "m101"}
    assert m101 == {
        ("event", "under_construction", 2023),
        ("target", "completed", 2026),
        ("target", "in_service", 2027),
    }


def test_denied_and_missed_stages_state_nothing(lexicon: Lexicon) -> None:
    text = REVIEW + (
        "京台路原定年内通车，但年内未能如期向公众开放。M101线开工没有实现。"
        "6号线南延年内通车的目标没有实现。\n"
    )
    assert projects(text, lexicon) == {}


def test_a_subordinate_stage_is_no_event(lexicon: Lexicon) -> None:
    text = REVIEW + "京台路建成后将连接M101线和6号线南延。\n"
    assert projects(text, lexicon) == {}


def test_a_colon_list_shares_the_verb_and_its_container_builds(lexicon: Lexicon) -> None:
    text = REVIEW + "三个项目同日举行开工仪式：京台路、“万象汇”和胸科医院医疗综合楼。\n"
    assert projects(text, lexicon)["road"].status == "under_construction"
    assert {c.mention for c in candidates(text, lexicon).values() if c.status} == {
        "胸科医院医疗综合楼"
    }
    text = REVIEW + "宋庄艺术创意小镇有两项工程取得进展：甲河蓄滞洪区（二期）全部完工。\n"
    town = projects(text, lexicon)["town"]
    assert (town.status, town.confidence) == ("under_construction", 0.6)
    assert candidates(text, lexicon)["甲河蓄滞洪区（二期）"].status == "completed"


def test_kinds_parts_and_fragments_are_no_new_projects(lexicon: Lexicon) -> None:
    text = REVIEW + (
        "同步建设水闸、堤防、跨河桥梁和巡河路；西线隧道贯通；实施一批重大科技项目和应用示范项目；"
        "总建筑面积约16万平方米的北京海昌海洋公园开工。\n"
    )
    assert [c for c, p in candidates(text, lexicon).items() if p.status] == ["北京海昌海洋公园"]


def test_a_mid_year_report_plans_the_year_it_reviews(lexicon: Lexicon) -> None:
    text = (
        "一、2024年上半年重点项目进展情况\nM101线继续施工。\n"
        "二、下半年工作安排\n确保京台路年内通车。\n"
    )
    found = projects(text, lexicon)
    assert (found["m101"].kind, found["m101"].year) == ("event", 2024)
    assert (found["road"].kind, found["road"].status, found["road"].year) == (
        "target",
        "in_service",
        2024,
    )


def test_a_rating_completes_only_the_project_whose_goal_it_is() -> None:
    goal = Entity("project", "5a", "大运河5A级旅游景区", ("大运河5A级旅游景区", "大运河景区"))
    other = Entity("project", "lib", "副中心图书馆", ("副中心图书馆",))
    text = REVIEW + "大运河景区晋升为国家5A级旅游景区；副中心图书馆入选全球百佳目的地。\n"
    found = projects(text, Lexicon([goal, other]))
    assert list(found) == ["5a"] and found["5a"].status == "completed"


def test_parts_told_by_their_halves(lexicon: Lexicon) -> None:
    text = (
        "2022年1—6月重大工程调度情况和下一步工作\n上篇　1—6月调度情况\nM101线开工。\n"
        "下篇　下一步工作\n京台路年内通车。\n"
    )
    found = projects(text, lexicon)
    assert (found["m101"].kind, found["m101"].year) == ("event", 2022)
    assert (found["road"].kind, found["road"].year) == ("target", 2022)
    assert found["road"].accepted


def test_a_reading_without_its_parts_is_not_applied(lexicon: Lexicon) -> None:
    text = "关于京台路的情况\nM101线开工，京台路通车。\n"
    with pytest.raises(YearUnknown):
        extract(text, lexicon)
    found = [p for p in extract(text, lexicon, 2022).proposals if p.entity == "project"]
    assert found and all(p.confidence <= 0.6 and not p.accepted for p in found)


def test_a_plan_only_title_and_its_preface(lexicon: Lexicon) -> None:
    text = (
        "2027年度重点工程节点目标\n写在前面\n上一年，京台路完工通车。\n"
        "甲　交通\n①M101线——确保建成通车。\n"
    )
    found = projects(text, lexicon)
    assert extract(text, lexicon).years.plan == 2027
    assert (found["m101"].kind, found["m101"].year, found["m101"].status) == (
        "target",
        2027,
        "in_service",
    )
    assert found["m101"].accepted and found["m101"].mention == "M101线"
    # a preface says nowhere whether it reviews or plans: its reading is a guess, not applied
    assert (found["road"].kind, found["road"].year) == ("event", 2026)
    assert not found["road"].accepted


def test_a_work_report_speaks_from_the_year_it_plans(lexicon: Lexicon) -> None:
    text = (
        "2024年政府工作报告\n一、过去一年的工作回顾\nM101线开工建设，京台路去年通车。\n"
        "二、今年的主要任务\n推动宋庄艺术创意小镇明年开园。\n"
    )
    found = projects(text, lexicon)
    assert extract(text, lexicon).years.report == 2023
    dated = text.replace("2024年政府工作报告", "区政府工作报告\n——2024年1月在区人民代表大会上")
    assert detect_report_year(dated) == 2023
    assert (found["m101"].kind, found["m101"].year) == ("event", 2023)
    assert (found["road"].kind, found["road"].year) == ("event", 2023)
    assert (found["town"].kind, found["town"].year) == ("target", 2025)


def test_report_year_written_in_the_review_part() -> None:
    text = "情况通报\n一、工作回顾\n2021年3月开工，2021年底完工。\n二、下步安排\n"
    assert detect_report_year(text) == 2021


def test_a_place_is_not_what_is_built(lexicon: Lexicon) -> None:
    found = projects(PLAN + "新址在宋庄艺术创意小镇西北部，新建建筑面积约3万平方米。", lexicon)
    assert "town" not in found


def test_finishing_a_zone_is_not_finishing_the_project(lexicon: Lexicon) -> None:
    found = projects(PLAN + "宋庄艺术创意小镇完成先行启动区的建设。", lexicon)
    assert found["town"].status == "under_construction"


def test_a_report_after_three_quarters(lexicon: Lexicon) -> None:
    text = (
        "2024年前三季度推进情况\n一、前三季度进展回顾\nM101线开工。\n"
        "二、四季度攻坚重点\n确保京台路年底前通车。\n三、2025年工作展望\n推动宋庄艺术创意小镇明年开园。\n"
    )
    found = projects(text, lexicon)
    assert (found["m101"].kind, found["m101"].year) == ("event", 2024)
    assert (found["road"].kind, found["road"].year) == ("target", 2024)
    assert (found["town"].kind, found["town"].year) == ("target", 2025)


def test_running_smoothly_or_since_opening_is_no_stage(lexicon: Lexicon) -> None:
    assert projects(REVIEW + "副中心图书馆运行平稳。", lexicon) == {}
    assert projects(REVIEW + "副中心博物馆开馆以来观众已超190万人次。", lexicon) == {}
    fitted = projects(REVIEW + "副中心大剧院进入装饰装修阶段。", lexicon)
    assert fitted["theatre"].status == "under_construction"


def test_a_part_whose_kind_is_not_stated_is_not_applied(lexicon: Lexicon) -> None:
    text = REVIEW + "M101线开工。\n二、攻坚重点\n京台路通车。\n"
    found = projects(text, lexicon)
    assert found["m101"].accepted
    assert not found["road"].accepted and found["road"].confidence <= 0.6


def test_dates_and_subjects_of_a_township_report(lexicon: Lexicon) -> None:
    found = projects(REVIEW + "去年年底对外开放的副中心图书馆持续带动人气。", lexicon)
    assert (found["library"].status, found["library"].year) == ("in_service", 2022)
    found = projects(REVIEW + "M101线开工，相邻的京台路同月动工，转入路面施工。", lexicon)
    assert found["road"].status == "under_construction"
    assert projects(REVIEW + "副中心图书馆开馆196天接待读者突破200万人次。", lexicon) == {}
    assert projects(PLAN + "力争到2027年把宋庄艺术创意小镇初步建成重要平台。", lexicon) == {}


def test_unknown_names_before_relative_years_and_first_parts() -> None:
    text = REVIEW + "六小村安置房项目前年9月首栋住宅楼主体结构封顶。"
    found = extract(text, Lexicon([])).proposals
    assert [(p.mention, p.status, p.year) for p in found] == [
        ("六小村安置房项目", "under_construction", 2021)
    ]
    near = extract(REVIEW + "紧邻宋庄的某某商业综合体开工。", Lexicon([])).proposals
    assert "紧邻宋庄" not in {p.mention for p in near}


def test_a_title_naming_the_review_and_the_plan_years() -> None:
    text = "重大项目建设2022年工作总结及2023年工作安排\n一、2022年建设情况\n"
    assert detect_report_year(text) == 2022


def test_an_institution_called_after_its_place_is_a_new_project(lexicon: Lexicon) -> None:
    schools = Entity("programme", "schools", "新建中小学", ("中小学",), "所")
    with_schools = Lexicon([*lexicon.entities, schools])
    found = extract(REVIEW + "宋庄艺术创意小镇主题酒店投入运营；文旅区中小学仍处于前期工作阶段。",
                    with_schools).proposals  # fmt: skip
    assert [(p.entity, p.mention, p.status) for p in found] == [
        ("candidate", "宋庄艺术创意小镇主题酒店", "in_service"),
        ("candidate", "文旅区中小学", "planned"),
    ]


def test_intents_and_progress_in_the_words_of_other_authors(lexicon: Lexicon) -> None:
    text = REVIEW + "京台路原预计2022年建成通车，但未能如期实现。M101线进展顺利。"
    found = projects(text, lexicon)
    assert "road" not in found and found["m101"].status == "under_construction"
    canal = projects(REVIEW + "京台路于6月24日实现62公里互联互通试验性通车。", lexicon)
    assert canal["road"].status == "in_service"
    trains = extract(REVIEW + "初期列车由北京站始发终到。", Lexicon([])).proposals
    assert trains == []
    later = candidates(PLAN + "按目前安排，北京舞蹈学院通州校区预计2028年建成。", lexicon)
    assert (later["北京舞蹈学院通州校区"].status, later["北京舞蹈学院通州校区"].year) == (
        "completed",
        2028,
    )


def test_parts_within_parts_and_a_signed_date(lexicon: Lexicon) -> None:
    text = (
        "宋庄镇2022年工作总结和2023年工作安排\n第一部分　2022年工作回顾\n一、重点工程\n"
        "（一）京台路去年已实现主体结构封顶。今年，M101线继续建设。\n"
        "第二部分　2023年工作安排\n一、确保副中心图书馆明年建成投用。\n宋庄镇　2022年12月\n"
    )
    found = projects(text, lexicon)
    assert (found["road"].kind, found["road"].year) == ("event", 2021)
    assert (found["m101"].kind, found["m101"].year) == ("event", 2022)
    assert found["m101"].accepted  # 一、 inside 第一部分 goes on in its frame
    assert (found["library"].kind, found["library"].year) == ("target", 2023)
    assert detect_report_year("副中心2021年终盘点：…\n【交通】\n京台路通车。") == 2021


def test_list_numbers_places_and_missed_goals(lexicon: Lexicon) -> None:
    listed = projects(PLAN + "二、力争京台路、副中心图书馆明年竣工。", lexicon)
    assert {"road", "library"} <= set(listed)
    beside = projects(REVIEW + "位于京台路东侧、M101线西侧的副中心图书馆开工。", lexicon)
    assert set(beside) == {"library"}
    missed = projects(REVIEW + "年初提出的京台路年底前全部完工的目标未能如期实现。", lexicon)
    assert missed == {}
    said = projects(REVIEW + "京台路2017年开工，当时预计2020年开通。", lexicon)
    assert (said["road"].status, said["road"].year) == ("under_construction", 2017)
    late = projects(REVIEW + "三大建筑实际推迟到了春末：副中心博物馆、副中心大剧院分别在4月封顶。",
                    lexicon)  # fmt: skip
    assert {"museum", "theatre"} <= set(late)
    named = candidates(REVIEW + "宋庄艺术创意小镇创新中心完工。", lexicon)
    assert named["宋庄艺术创意小镇创新中心"].status == "completed"


def test_a_briefing_spoken_in_the_year_after_the_one_it_reviews(lexicon: Lexicon) -> None:
    text = (
        "关于重大项目推进情况的简报\n一、基本情况\n2023年是关键一年。\n二、主要进展\n"
        "一是去年6月京台路开工。二是去年9月副中心图书馆开放。三是去年12月M101线开工。\n"
        "三、下一步工作\n确保副中心博物馆年内开放。\n"
    )
    found = projects(text, lexicon)
    assert (found["road"].kind, found["road"].year) == ("event", 2023)
    assert (found["museum"].kind, found["museum"].year) == ("target", 2024)
    # The year is read from the body, not from a title or heading: nothing is applied unreviewed.
    assert not found["museum"].accepted and "read from the body" in found["museum"].basis
    dated = projects(text.replace("关于重大项目", "关于2023年重大项目"), lexicon)
    assert dated["museum"].accepted  # 下一步 names the plan part


def test_records_exceptions_and_unmet_openings(lexicon: Lexicon) -> None:
    record = REVIEW + "项目名称：京台路；进展：12月全面开工；计划：加快建设。\n"
    assert projects(record, lexicon)["road"].status == "under_construction"
    assert "road" not in projects(REVIEW + "除京台路外均已竣工。", lexicon)
    closed = projects(REVIEW + "副中心博物馆原计划6月竣工，目前仍未对公众开放。", lexicon)
    assert closed == {}
    announced = projects(PLAN + "此前公布将于2025年建成通车的京台路未列入今年计划。", lexicon)
    assert announced == {}
    assert "为带状公园" not in candidates(REVIEW + "地面路段将改造为带状公园。", lexicon)


def test_a_bulletin_of_milestones_and_a_press_conference(lexicon: Lexicon) -> None:
    bulletin = (
        "重点工程2024年第二季度进展通报\n一、交通\n（一）上半年进展\n京台路5月主桥合龙。\n"
        "（二）下半年节点\nM101线力促开工建设；6号线南延力争年底全线结构洞通。\n"
        "（三）2025年节点\n副中心图书馆按计划建成开放。\n"
    )
    found = projects(bulletin, lexicon)
    assert (found["road"].kind, found["road"].status) == ("event", "under_construction")
    assert (found["m101"].kind, found["m101"].year) == ("target", 2024)  # 节点: milestones ahead
    assert (found["l6"].status, found["l6"].year) == ("under_construction", 2024)  # 洞通: a part
    assert (found["library"].kind, found["library"].year) == ("target", 2025)
    # A section beside the one that set the frame, of a kind no word states: a guess, for review.
    beside = projects(bulletin.replace("（二）下半年节点", "（二）其他事项"), lexicon)
    assert beside["m101"].kind == "event" and not beside["m101"].accepted
    assert beside["road"].accepted
    conference = (
        "重点工程新闻发布会\n时间：2023年1月12日上午\n"
        "发言人：去年，京台路建成通车。\n记者：今年的重点是什么？\n"
        "发言人：副中心图书馆力争年底前竣工，并向市民开放。\n"
    )
    heard = projects(conference, lexicon)
    assert (heard["road"].kind, heard["road"].year) == ("event", 2022)  # dated early: 去年 = 2022
    # The final verb wins: 竣工，并…开放 is one promise, in service by the end of 2023.
    assert (heard["library"].kind, heard["library"].status, heard["library"].year) == (
        "target",
        "in_service",
        2023,
    )
    assert len([p for p in extract(conference, lexicon).proposals if p.entity_id == "library"]) == 1
