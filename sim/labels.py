"""What decisions and facilitator actions are called, in Chinese and English:
the one catalog the terminal app, ``drill compare`` and the reports use.

``label(kind, lang)`` names a kind; ``aliases(kind)`` lists the words the
command palette also matches; ``decision_text(data, lang, names)`` renders a
decision (or facilitator action) as it reads in a feed, a timeline or a list,
with ids replaced by their display names where ``names`` has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KindLabel:
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


DECISIONS: dict[str, KindLabel] = {
    "declare_level": KindLabel(
        "宣布/调整响应级别", "Declare or change the response level", ("level", "declare", "xiangying")
    ),
    "call_in": KindLabel("召集备勤人员", "Call in off-duty members", ("call", "callin", "zhaoji")),
    "dispatch": KindLabel("派遣人员", "Dispatch members", ("send", "paiqian")),
    "summon": KindLabel("通知领导到场", "Summon an official", ("official", "leader", "tongzhi")),
    "open_venue": KindLabel("启用场所", "Open a venue", ("open", "venue", "hall", "qiyong")),
    "move_group": KindLabel("引导群众进入场所", "Move a group into a venue", ("move", "guide", "yindao")),
    "ask_representatives": KindLabel(
        "请群众推选代表（不超过5人）",
        "Ask the group to choose representatives (at most 5)",
        ("reps", "representatives", "daibiao"),
    ),
    "start_dialogue": KindLabel(
        "开展对话（劝导/谈判）",
        "Start a dialogue (or negotiation)",
        ("talk", "dialogue", "negotiate", "duihua"),
    ),
    "initial_reply": KindLabel("出具初步答复口径", "Issue the initial reply", ("reply", "answer", "dafu")),
    "package_solution": KindLabel(
        "要求形成一揽子方案", "Ask for the package solution", ("package", "solution", "fangan")
    ),
    "public_statement": KindLabel(
        "发布权威信息回应关切", "Publish a public statement", ("statement", "publish", "fabu")
    ),
    "set_cordon": KindLabel("设置现场警戒", "Set a cordon", ("cordon", "order", "jingjie")),
    "medical_standby": KindLabel(
        "医疗力量现场待命", "Put medical on standby", ("medical", "ambulance", "yiliao")
    ),
    "legal_aid": KindLabel("启动法律援助", "Start legal aid", ("legal", "lawyer", "falv")),
    "contact_family": KindLabel(
        "联系所在单位或家属劝导",
        "Contact the employer or family",
        ("family", "employer", "liaison", "lianluo"),
    ),
    "request_support": KindLabel(
        "请求上级支援", "Request support from the next level up", ("support", "escalate", "zhiyuan")
    ),
    "end_response": KindLabel("终止应急响应", "End the response", ("end", "stop", "zhongzhi")),
}

FACILITATOR: dict[str, KindLabel] = {
    "inject": KindLabel("导调员临时注入", "Facilitator inject", ("inject", "zhuru")),
    "msel": KindLabel("预设情况通报", "Scheduled inject", ("msel",)),
}
# the facilitator's inject as it was journaled before it was an action
FACILITATOR["facilitator_inject"] = FACILITATOR["inject"]
MSEL_DO: dict[str, KindLabel] = {
    "play": KindLabel("立即播放", "Play now", ("play", "bofang")),
    "hold": KindLabel("暂缓", "Hold", ("hold", "zanhuan")),
    "release": KindLabel("恢复", "Release", ("release", "huifu")),
    "skip": KindLabel("跳过", "Skip", ("skip", "tiaoguo")),
}

_ALL = {**DECISIONS, **FACILITATOR}


def label(kind: str, lang: str) -> str:
    """The name of a decision or facilitator action kind (the kind itself if unknown)."""
    found = _ALL.get(kind)
    return found.get(lang) if found is not None else kind


def aliases(kind: str) -> tuple[str, ...]:
    found = _ALL.get(kind)
    return found.aliases if found is not None else ()


def decision_text(data: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str:
    """A decision or facilitator action (its ``to_dict()`` form) as people read it."""
    kind = str(data.get("kind"))
    head = label(kind, lang)
    if kind in ("inject", "facilitator_inject"):
        text = data.get("zh") if lang == "zh" else data.get("en")
        return f"{head}：{text}" if lang == "zh" else f"{head}: {text}"
    if kind == "msel":
        do = MSEL_DO.get(str(data.get("do")))
        what = do.get(lang) if do is not None else str(data.get("do"))
        n = data.get("inject")
        return f"{head}第{n}条：{what}" if lang == "zh" else f"{head} {n}: {what}"
    names = names or {}
    args = []
    for key, value in data.items():
        if key == "kind" or value is None:
            continue
        args.append(names.get(value, value) if isinstance(value, str) else str(value))
    if not args:
        return head
    return head + ("：" + "，".join(args) if lang == "zh" else ": " + ", ".join(args))
