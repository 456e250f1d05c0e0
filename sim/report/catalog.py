"""Every sentence of the after-action report, in Chinese and in English.

Keys are stable; ``text(key, lang, **values)`` fills the placeholders.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("{scenario}桌面推演总结评估报告", "After-action report: tabletop drill, {scenario}"),
    # section names Chinese units expect, and their English counterparts
    "s_overview": ("一、演练概况", "1. Overview"),
    "s_timeline": ("二、演练过程", "2. How the drill went"),
    "s_roles": ("三、各角色的决策与评估意见", "3. Decisions and findings by role"),
    "s_milestones": ("四、时限达成情况", "4. Milestones against the plan's limits"),
    "s_capabilities": ("五、能力评估", "5. Capability ratings"),
    "s_findings": ("六、发现的问题", "6. Problems found"),
    "s_lessons": ("七、经验教训", "7. Lessons learned"),
    "s_recommend": ("八、改进建议", "8. Recommendations and improvement plan"),
    "s_method": ("附：反事实分析方法", "Annex: how the counterfactual was computed"),
    "s_charts": ("态势变化图", "The situation over time"),
    # overview table
    "unit": ("演练单位", "Unit"),
    "plan": ("依据预案", "Plan"),
    "scenario": ("演练情景", "Scenario"),
    "date": ("演练日期", "Date of the drill"),
    "start": ("情景起始时间", "Scenario start (wall clock)"),
    "seed": ("随机种子", "Seed"),
    "model": ("模型版本", "Model version"),
    "participants": ("参演人员", "Participants"),
    "facilitator": ("导调人员", "Facilitator"),
    "journal": ("推演记录文件", "Journal file"),
    "files": ("预案与情景文件", "Plan and scenario files"),
    "seats": ("参演角色", "Roles at the table"),
    "n_decisions": ("决策数量", "Decisions taken"),
    "n_injects": ("导调注入", "Facilitator injects"),
    "result": ("时限达成", "Milestones"),
    "result_value": ("达成 {met} 项，未达成 {missed} 项", "{met} met, {missed} missed"),
    "to_fill": ("（待填写）", "(to fill in)"),
    "overview_text": (
        "{unit}依据《{plan}》开展桌面推演，情景为“{scenario}”，推演时长 {hours:g} 小时。"
        "参演小组共作出 {n} 项决策{injects}；{met} 项时限达成，{missed} 项未达成。"
        "反事实分析在 {reps} 个同分布情景中重放了参演小组的决策，并与按预案处置、不作为两种做法逐一对照。",
        "{unit} played the scenario \u201c{scenario}\u201d against its {plan} over {hours:g} simulated hours. "
        "The team took {n} decisions{injects}; {met} milestones were met and {missed} missed. "
        "The counterfactual replayed the team's decisions in {reps} situations drawn from the same scenario and set "
        "them beside a plan-following and a passive response in exactly the same situations.",
    ),
    "overview_injects": (
        "，导调员另作 {k} 次临时注入（不计入决策）",
        " (and the facilitator made {k} inject{s}, not counted as decisions)",
    ),
    "forced": (
        "注意：预案、情景文件或模型版本自推演以来已改变，本报告是用 --force 按现状重算的：{what}",
        "Note: the plan or scenario file, or the model, changed after the drill; this report was computed "
        "with --force as things are now: {what}",
    ),
    # timeline
    "col_time": ("时间", "Time"),
    "col_role": ("角色", "Role"),
    "col_decision": ("决策", "Decision"),
    "col_notes": ("评估员意见", "Evaluator's notes"),
    "col_what": ("类别", "What"),
    "col_detail": ("内容", "Detail"),
    "k_inject": ("情况注入", "Inject"),
    "k_facilitator": ("导调注入", "Facilitator inject"),
    "k_decision": ("决策", "Decision"),
    "k_met": ("时限达成", "Milestone met"),
    "k_missed": ("时限未达成", "Milestone missed"),
    "k_event": ("事件", "Event"),
    "timeline_more": (
        "（另有 {n} 条记录从略，见事件日志）",
        "({n} more entries left out; see the event log)",
    ),
    "fig_head": ("现场人数", "Head count on site"),
    "fig_mood": ("群体情绪（激动程度）", "Agitation of the group"),
    "fig_heat": ("网络热度", "Online heat"),
    "fig_teams": ("各工作组在岗人数", "Team members on duty"),
    "fig_caption": (
        "图{n}：{what}（横轴为情景中的时间）",
        "Figure {n}: {what} (by the time of day in the scenario)",
    ),
    # milestone table
    "col_level": ("级别", "Level"),
    "col_milestone": ("里程碑", "Milestone"),
    "col_result": ("本次结果（时间、用时与时限）", "In the drill (time, minutes taken, limit)"),
    "col_team": ("同情景达成率·本组决策", "Same situations: your decisions"),
    "col_plan": ("同情景·按预案", "Same situations: plan"),
    "col_passive": ("同情景·不作为", "Same situations: passive"),
    "assumed_note": (
        "标 * 的时限预案未写明具体数值，按假设取值。用时按整分钟向上取整，恰好在时限当分钟完成算达成。",
        "A limit marked * is not stated in the plan: an assumed value. Minutes taken are rounded up to whole "
        "minutes; done exactly at the limit counts as met.",
    ),
    "system_mark": ("（系统环节）", " (the system's)"),
    "undecided_sentence": (
        "推演结束时时限未到，推演内未定：既不算达成，也不算未达成；重复推演中同样情形计为未达成。",
        "undecided within the drill: its deadline falls after the drill ended, so it is neither met nor missed "
        "here; in the replications such a case counts as not met.",
    ),
    "ci_note": (
        "后三列为达成率，括号内为 95% Wilson 置信区间（%），推演结束时尚未到时限的重复计为未达成；标“系统环节”的一步本组决策无法改变，不计入本组成绩，也不据此提出建议；“同情景”指 {reps} 个公共随机数重复，三种做法面对完全相同的到访人数、到达时间与各方用时。",
        "The last three columns: share of replications meeting the limit, with 95 % Wilson intervals (%) in brackets; "
        "a replication whose deadline fell after the drill ended counts as not met. A step marked \u2018the system\u2019s\u2019 "
        "is one the team\u2019s decisions cannot change: not scored against the team and never turned into advice. \u2018Same situations\u2019: {reps} replications with common random "
        "numbers, so all three responses face exactly the same arrivals, head counts and durations.",
    ),
    # capabilities
    "col_capability": ("能力", "Capability"),
    "col_rating": ("评级", "Rating"),
    "col_basis": ("依据", "Basis"),
    "cap_assessment": ("研判与预警", "Assessment and alert"),
    "cap_command": ("指挥与领导到位", "Command and leadership"),
    "cap_reception": ("接待与对话", "Reception and dialogue"),
    "cap_public": ("舆情应对与信息发布", "Public information"),
    "cap_safety": ("现场秩序与安全", "Site order and safety"),
    "rating_P": ("P（顺利完成）", "P (performed without challenges)"),
    "rating_S": ("S（完成但存在一定问题）", "S (performed with some challenges)"),
    "rating_M": ("M（完成但存在重大问题）", "M (performed with major challenges)"),
    "rating_U": ("U（未能完成）", "U (unable to be performed)"),
    "rating_none": ("—（本次未涉及）", "— (not exercised)"),
    "basis": ("{met}/{n} 项达成{extra}", "{met} of {n} met{extra}"),
    "basis_decision": (
        "；{k} 项未达成而按预案处置可达成",
        "; {k} missed that the plan-following response meets",
    ),
    "rating_rule": (
        "评级规则（参照 HSEEP 的 P/S/M/U）：每项能力由下列里程碑构成。全部达成为 P；达成比例不低于 75%，"
        "且没有“按预案处置在同情景中达成率不低于 90%”的未达成项，为 S；达成比例不低于 40% 为 M；低于 40% 为 U。"
        "未涉及的里程碑不计入。",
        "Rating rule (after HSEEP's P/S/M/U): each capability is made of the milestones listed. P: all met. "
        "S: at least 75 % met and no missed limit that the plan-following response meets in at least 90 % of the "
        "same situations. M: at least 40 % met. U: below 40 %. Milestones that did not apply are not counted.",
    ),
    # findings
    "grade_deficiency": ("不足项", "Deficiency"),
    "grade_rectify": ("整改项", "Must rectify"),
    "grade_improve": ("改进项", "Improvement"),
    "grades_rule": (
        "分级规则（参照 AQ/T 9009）：不足项——本次未达成、而按预案处置在同情景中多数能达成，属决策问题；"
        "整改项——本次未达成、且同情景中无论怎样处置多数都达不成，属力量配置或预案本身的问题；"
        "改进项——本次达成但余量很小（同情景中本组决策达成率低于 75%，或多数在时限最后四分之一才达成）。",
        "Grading rule (after AQ/T 9009): deficiency \u2014 missed in the drill while the plan-following response "
        "meets it in most of the same situations: a decision problem. Must rectify \u2014 missed in the drill and "
        "in most of the same situations whatever is done: a staffing or plan problem. Improvement \u2014 met, but "
        "narrowly (your decisions meet it in under 75 % of the same situations, or mostly in the last quarter of "
        "the limit).",
    ),
    "no_findings": ("本次推演未发现需分级的问题。", "The drill raised no graded findings."),
    "col_grade": ("等级", "Grade"),
    "col_finding": ("问题", "Finding"),
    "col_evidence": ("依据（事件日志与反事实）", "Evidence (event log and counterfactual)"),
    "v_system": (
        "这一步由{by}按程序完成，不受参演小组决策影响：同样情景中本组决策 {team}，按预案处置 {plan}，不作为 {passive}。",
        "this step is done by {by} as a matter of routine; the team's decisions do not change it: in the same "
        "situations {team} with your decisions, {plan} plan-following, {passive} passive.",
    ),
    "act_system": (
        "这一步不受推演决策影响：核实{by}完成“{what}”所需的人员与用时，必要时修订预案或时限。",
        "Not a matter of the team's decisions: check the people and time {by} needs for \u201c{what}\u201d; "
        "revise the plan or the limit if needed.",
    ),
    "all_roles_note": (
        "本次推演记录未区分席位（单人或一台终端承担全部角色），以下按全体角色列出。",
        "The journal records no seats (one keyboard held every role), so everything is listed under all roles.",
    ),
    "role_findings": ("与本角色有关的问题：{items}。", "Findings that concern this role: {items}."),
    "role_no_decisions": ("本角色在推演中未作出决策。", "This role took no decisions in the drill."),
    "note_item": ("评估员（{at}）：{text}", "Evaluator ({at}): {text}"),
    "lesson_notes": ("评估员总体意见：{items}", "The evaluator's general notes: {items}"),
    "v_decision": (
        "本次未达成；按预案处置在同样情景中的达成率为 {plan}。",
        "missed in your drill; the plan-following response meets it in {plan} of the same situations.",
    ),
    "v_staffing": (
        "本次未达成，且在 {miss} 的同样情景中无论怎样处置都达不成：这是力量配置问题，而非决策问题。",
        "missed in your drill, and in {miss} of the same situations whatever is done: a staffing problem, not a "
        "decision problem.",
    ),
    "v_luck": (
        "本次未达成，但本组的决策在 {team} 的同样情景中能达成（按预案处置为 {plan}）：更多是运气不佳，而非决策失误。",
        "missed in your drill, but your own decisions meet it in {team} of the same situations (plan-following: "
        "{plan}): bad luck more than a bad decision.",
    ),
    "v_mixed": (
        "本次未达成；同样情景中本组决策达成率 {team}，按预案处置 {plan}：决策与条件两方面原因兼有。",
        "missed in your drill; in the same situations your decisions meet it in {team}, the plan-following "
        "response in {plan}: partly the decisions, partly the circumstances.",
    ),
    "v_narrow": (
        "本次达成，但同样情景中本组决策只在 {team} 达成（按预案处置为 {plan}），余量不足。",
        "met in your drill, but your decisions meet it in only {team} of the same situations (plan-following: "
        "{plan}); little margin.",
    ),
    "v_late": (
        "本次达成；同样情景中本组决策达成率 {team}，但其中 {late} 在时限的最后四分之一才达成，余量不足。",
        "met in your drill, and in {team} of the same situations with your decisions, but {late} of those only "
        "in the last quarter of the limit: little margin.",
    ),
    "v_met": (
        "本次达成；同样情景中本组决策达成率 {team}。",
        "met in your drill, and in {team} of the same situations with your decisions.",
    ),
    "paired": (
        "配对比较（McNemar 精确检验）：按预案达成而本组未达成 {b} 次，反之 {a} 次，{p}。",
        "Paired (exact McNemar): met by the plan and not by your decisions in {b} of the replications, the "
        "reverse in {a}, {p}.",
    ),
    # lessons
    "lesson_good": ("做得好的方面：{items}。", "What went well: {items}."),
    "lesson_none_good": ("本次没有稳定达成的时限。", "No limit was met with a comfortable margin."),
    "costly_removed": (
        "代价最大的一项决策：{t}的“{what}”。在同样情景中去掉这项决策，平均每次多达成 {gain:.2f} 项时限（{reps} 次重复）。",
        "The most costly decision: \u201c{what}\u201d at {t}. Without it, the same situations meet "
        "{gain:.2f} more milestones on average ({reps} replications).",
    ),
    "costly_earlier": (
        "代价最大的一项决策：{t}的“{what}”。若提前到 {new} 作出，同样情景中平均每次多达成 {gain:.2f} 项时限（{reps} 次重复）。",
        "The most costly decision: \u201c{what}\u201d at {t}. Taken at {new} instead, the same "
        "situations meet {gain:.2f} more milestones on average ({reps} replications).",
    ),
    "costly_none": (
        "逐项去掉或提前本组的决策，在同样情景中都不能多达成时限：决策的时机已无明显改进空间。",
        "Removing or advancing any single decision of the team gains no milestones in the same situations.",
    ),
    "lesson_refused": (
        "有 {n} 项决策在部分同样情景中无法执行（例如群体已离开或无人在岗），说明其依赖当时的具体情况：{items}。",
        "{n} decisions could not be taken in some of the same situations (the group had left, nobody was on "
        "duty): {items}.",
    ),
    "refused_item": (
        "{t}的“{what}”（{k}/{reps} 次）",
        "\u201c{what}\u201d at {t} ({k}/{reps})",
    ),
    "lesson_mean": (
        "同样情景中平均每次达成时限数：本组决策 {team:.1f} 项，按预案处置 {plan:.1f} 项，不作为 {passive:.1f} 项。",
        "Milestones met per replication on average: your decisions {team:.1f}, plan-following {plan:.1f}, "
        "passive {passive:.1f}.",
    ),
    "lesson_luck": (
        "以下未达成项更多是运气不佳而非决策失误：{items}。",
        "These misses were bad luck more than bad decisions: {items}.",
    ),
    # recommendations
    "col_action": ("整改措施", "Corrective action"),
    "col_owner": ("责任单位/人", "Owner"),
    "col_due": ("完成时限", "Due date"),
    "act_decision": (
        "在预案培训中强调：{do}；按预案处置在本情景中约 {t} 即作出此决策。",
        "Train the team to {do} on time; the plan-following response takes this decision at about {t} "
        "in this scenario.",
    ),
    "act_decision_generic": (
        "在预案培训中强调：{do}，并在下次演练中检验。",
        "Train the team to {do} on time and test it in the next drill.",
    ),
    "act_staffing": (
        "修订预案：核实{what}所需力量、在岗人数与到位时间，必要时增加值守人员、缩短召集时间或调整时限。",
        "Revise the plan: check the people, on-duty numbers and arrival times that \u201c{what}\u201d needs; add "
        "on-duty staff, shorten call-in times or reconsider the limit.",
    ),
    "act_improve": (
        "保持并前移相关决策，为“{what}”留出余量；下次演练中复核。",
        "Keep the related decisions and take them earlier to build margin for \u201c{what}\u201d; check again in "
        "the next drill.",
    ),
    "plan_table_note": (
        "责任单位/人与完成时限由演练单位在复盘会上确定后填写。",
        "The owner and due date are agreed at the hotwash and filled in by the unit.",
    ),
    "method": (
        "推演模型由随机种子决定。第 r 次重复使用由推演种子派生的种子（replication_seed(种子, r)），本组决策、按预案处置、"
        "不作为三种做法使用同一组随机数（公共随机数），因而差异只来自处置方式。本组决策按原时间、原内容重放，在某次重复中无法执行的决策记为“拒绝”并跳过。"
        "达成率给出 95% Wilson 区间，配对差异用不一致对上的精确二项检验（McNemar）。共 {reps} 次重复，“代价最大的决策”使用前 {creps} 次。",
        "The drill model is fully determined by its seed. Replication r uses the seed replication_seed(seed, r) "
        "derived from the drill's seed; the team's decisions, the plan-following policy and the passive policy "
        "all use the same random numbers (common random numbers), so differences come from the response alone. "
        "The team's decisions are replayed at their own times; one that cannot be taken in a replication is "
        "recorded as refused and skipped. P(met) is given with 95 % Wilson intervals, paired differences with an "
        "exact binomial test on the discordant pairs (McNemar). {reps} replications; the most costly decision "
        "uses the first {creps}.",
    ),
    "generated": (
        "本报告由 petition-drill 根据推演记录自动生成，结论供复盘讨论参考。",
        "Generated by petition-drill from the drill journal; its conclusions are input for the hotwash, not a verdict.",
    ),
}

# What to do about a milestone, by its measure (used in corrective actions), in
# the plan's own words: its teams, officials and venues by their labels, so a
# mine's report names its petition office, not a city's policy task force.
# {team} {teams} {official} {venue} {by} are filled from the plan.
DO: dict[str, tuple[str, str]] = {
    "alert_step": ("由{by}在研判后尽快作出决定", "have {by} decide as soon as the assessment is done"),
    "response_started": ("及时宣布响应级别", "declare the response level"),
    "official_on_site": ("尽早通知{official}赶赴现场", "summon {official} to the scene early"),
    "team_on_site": ("尽早召集并派出{team}", "call in and send {team} early"),
    "teams_all_on_duty": ("响应升级后立即召集{teams}", "call in {teams} as soon as the level rises"),
    "venue_open": ("及时启用{venue}", "open {venue}"),
    "reply_issued": ("尽早由{team}出具初步答复口径", "have {team} issue the initial reply"),
    "package_signed": (
        "尽早启动一揽子方案并请{official}到场签批",
        "start the package solution and bring {official} on site to sign it",
    ),
    "cordon_set": ("及时由{team}设置警戒", "have {team} set the cordon"),
    "medical_standby": ("及时安排{team}在现场待命", "put {team} on standby on site"),
    "legal_aid_started": ("及时由{team}启动法律援助", "have {team} start legal aid"),
    "statement_published": ("尽早由{team}发布权威信息回应关切", "have {team} publish a public statement"),
    "head_count_below": (
        "尽早开展对话、答复并引导群众有序离开",
        "open dialogue, reply and help people leave",
    ),
    "crowd_and_heat_down": (
        "同时做好现场疏导和网上信息发布",
        "work the site and the public statement together",
    ),
    "safe_resolution": ("尽早开展劝导谈判并联系家属", "start negotiation and contact the family"),
}
# the duty whose team a measure's action names
DO_DUTY: dict[str, str] = {
    "reply_issued": "policy",
    "cordon_set": "order",
    "medical_standby": "medical",
    "legal_aid_started": "legal_aid",
    "statement_published": "public_info",
}


def do_text(milestone: Any, plan: Any, labels: dict[str, Any], lang: str) -> str:
    """What to do about ``milestone`` (a plan Milestone), named in the plan's words."""
    measure = milestone.measure
    kind = measure.kind
    zh = lang == "zh"

    def name(key: str | None, fallback: tuple[str, str]) -> str:
        known = labels.get(key) if key else None
        return str(known.get(lang)) if known is not None else pick(fallback, lang)

    team = getattr(measure, "team", None)
    if team is None and kind in DO_DUTY:
        team = next((tid for tid, t in plan.teams.items() if DO_DUTY[kind] in t.duties), None)
    official = getattr(measure, "official", None)
    if kind == "package_signed":
        official = plan.policy_work.signatory
    by = None
    if kind == "alert_step":
        by = next((step.by for step in plan.alert_chain if step.step == measure.step), None)
    teams = ("、" if zh else ", ").join(
        name(t, ("相关工作组", "the teams")) for t in getattr(measure, "teams", None) or []
    )
    values = {
        "team": name(team, ("相关工作组", "the team concerned")),
        "teams": teams or pick(("全部相关工作组", "every team concerned"), lang),
        "official": name(official, ("相关领导", "the official concerned")),
        "venue": name(getattr(measure, "venue", None), ("应急接待场所", "the reception venue")),
        "by": name(by, ("负责人", "the person in charge")),
    }
    return pick(DO.get(kind, ("按预案及时处置", "act as the plan says")), lang).format(**values)


CAPABILITIES: dict[str, tuple[str, ...]] = {
    "cap_assessment": ("alert_step",),
    "cap_command": ("official_on_site", "response_started", "teams_all_on_duty"),
    "cap_reception": ("reply_issued", "package_signed", "head_count_below", "venue_open"),
    "cap_public": ("statement_published", "crowd_and_heat_down"),
    "cap_safety": ("cordon_set", "medical_standby", "legal_aid_started", "safe_resolution", "team_on_site"),
}

# Which decisions move a milestone of each measure (to find when the plan took them)
DECISIONS_FOR: dict[str, tuple[str, ...]] = {
    "alert_step": ("declare_level",),
    "response_started": ("declare_level",),
    "official_on_site": ("summon",),
    "team_on_site": ("call_in", "dispatch"),
    "teams_all_on_duty": ("call_in",),
    "venue_open": ("open_venue",),
    "reply_issued": ("initial_reply",),
    "package_signed": ("package_solution",),
    "cordon_set": ("set_cordon",),
    "medical_standby": ("medical_standby",),
    "legal_aid_started": ("legal_aid",),
    "statement_published": ("public_statement",),
    "head_count_below": ("start_dialogue", "initial_reply", "move_group"),
    "crowd_and_heat_down": ("public_statement", "package_solution"),
    "safe_resolution": ("start_dialogue", "contact_family"),
}


def text(key: str, lang: str, **values: Any) -> str:
    zh, en = TEXTS[key]
    template = zh if lang == "zh" else en
    return template.format(**values) if values else template


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]
