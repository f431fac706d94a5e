"""Chinese that reads as one voice: the catalogues agree with each other and with docs/glossary.md."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "src" / "citybridge").glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
GLOSSARY = ROOT / "docs" / "glossary.md"

PLACEHOLDER = re.compile(r"%\([^)]*\)[sdfr]|%[sd]|\{[^}]*\}")
HAN = r"[\u3400-\u9fff]"
HALF_WIDTH = re.compile(rf"{HAN}\s*[,:;?()]|[,:;?()]\s*{HAN}")


def entries() -> list[tuple[str, polib.POEntry]]:
    return [
        (po.parent.parent.parent.parent.name, e) for po in CATALOGUES for e in polib.pofile(str(po)) if not e.obsolete
    ]


def chinese(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def _table(section: str) -> list[list[str]]:
    text = GLOSSARY.read_text(encoding="utf-8").split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines() if line.startswith("|")
    ]
    return [r for r in rows[2:]]  # skip header and rule


def terms() -> list[tuple[str, str | None, list[str]]]:
    found = []
    for english, context, zh, _note in _table("Terms"):
        ctx = re.fullmatch(r"`([^`]+)`", context)
        found.append((english, ctx.group(1) if ctx else None, [z.strip() for z in zh.split("/")]))
    return found


def exceptions() -> set[tuple[str, str]]:
    return {(term, message) for term, message, _why in _table("Exceptions")}


def term_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(s|es)?(?![\w])", re.I)


def violations_of_glossary(items, glossary, allowed) -> list[str]:
    found = []
    for app, e in items:
        for term, ctx, zh in glossary:
            if ctx is not None and e.msgctxt != ctx:
                continue
            if ctx is None and e.msgctxt in {c for _t, c, _z in glossary if c}:
                continue  # a context-specific row decides for that context
            if not term_pattern(term).search(PLACEHOLDER.sub(" ", e.msgid)) or (term, e.msgid) in allowed:
                continue
            for text in chinese(e):
                if text and not any(z in text for z in zh):
                    found.append(f"{app}: “{e.msgid}” uses “{term}” but “{text}” has none of {zh}")
    return found


def test_one_english_message_has_one_chinese_translation():
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, e in entries():
        for text in chinese(e):
            seen[(e.msgctxt, e.msgid)][text].append(app)
    clashes = {key: dict(v) for key, v in seen.items() if len(v) > 1}
    assert not clashes, f"give these one translation, or a context (pgettext): {clashes}"


def test_glossary_terms_are_used():
    assert terms(), "docs/glossary.md has no terms table"
    found = violations_of_glossary(entries(), terms(), exceptions())
    assert not found, "\n".join(found)


def test_exceptions_are_still_needed():
    messages = {e.msgid for _app, e in entries()}
    stale = [(t, m) for t, m in exceptions() if m not in messages]
    assert not stale, f"remove these from the exceptions in docs/glossary.md: {stale}"


def test_chinese_uses_full_width_punctuation_and_formal_you():
    found = []
    for app, e in entries():
        for text in chinese(e):
            bare = PLACEHOLDER.sub("X", text)
            if HALF_WIDTH.search(bare):
                found.append(f"{app}: half-width punctuation in “{text}”")
            if "你" in text:
                found.append(f"{app}: 你 in “{text}” (use 您)")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("上海,中国", True),
        ("名称(英文)", True),
        ("是否继续?", True),
        ("上海，中国", False),
        ("文件超过 %(max)s 行", False),
        ("以“Authorization: Bearer <令牌>”发送", False),
    ],
)
def test_the_punctuation_check(text, bad):
    assert bool(HALF_WIDTH.search(PLACEHOLDER.sub("X", text))) is bad


def test_the_glossary_check_catches_a_wrong_term():
    entry = polib.POEntry(msgid="Edit organisation", msgstr="编辑单位")
    assert violations_of_glossary([("core", entry)], [("organisation", None, ["机构"])], set())
    entry = polib.POEntry(msgid="Edit organisation", msgstr="编辑机构")
    assert not violations_of_glossary([("core", entry)], [("organisation", None, ["机构"])], set())
    entry = polib.POEntry(msgctxt="person", msgid="Name", msgstr="名称")
    assert violations_of_glossary([("core", entry)], [("name", "person", ["姓名"])], set())


def test_shared_words_take_the_meaning_of_their_screen():
    from django.utils import translation
    from django.utils.translation import pgettext

    from citybridge.academy.models import CourseStatus, EnrolmentStatus
    from citybridge.cities.models import InterestStatus, RunStatus

    with translation.override("zh-hans"):
        assert str(CourseStatus.RUNNING.label) == "进行中"  # not the selection run's 计算中
        assert str(RunStatus.RUNNING.label) == "计算中"
        assert str(EnrolmentStatus.WITHDRAWN.label) == "已退出"  # the course page's Withdraw button is 退出
        assert str(InterestStatus.WITHDRAWN.label) == "已撤回"
        assert pgettext("person", "Name") == "姓名"
        assert translation.gettext("Name") == "名称"
        assert translation.gettext("Organisation") == "机构"
        assert translation.gettext("Sign out") != translation.gettext("Withdraw")  # both on the course page
