"""The interactive API docs in the reader's language as far as Swagger UI allows (issue 9)."""

from __future__ import annotations

import pytest

from citybridge.api.docs import SUMMARIES

pytestmark = pytest.mark.django_db


def test_operation_groups_and_summaries_follow_the_request_language(client_for):
    zh = client_for(None, language="zh-hans").get("/api/v1/openapi.json").json()
    en = client_for(None, language="en").get("/api/v1/openapi.json").json()
    zh_ops = {op["operationId"]: op for path in zh["paths"].values() for op in path.values()}
    en_ops = {op["operationId"]: op for path in en["paths"].values() for op in path.values()}
    assert zh_ops.keys() == en_ops.keys()
    behind = next(k for k in en_ops if k.endswith("_who_is_behind"))
    assert en_ops[behind]["summary"] == "Who Is Behind" and en_ops[behind]["tags"] == ["Government Training"]
    assert zh_ops[behind]["summary"] == "培训未达标" and zh_ops[behind]["tags"] == ["政府官员培训"]
    # every summary and group is translated: no operation shows its English summary on the Chinese page
    untranslated = [k for k, op in zh_ops.items() if op["summary"] == en_ops[k]["summary"]]
    assert not untranslated, f"add these summaries to api/docs.py SUMMARIES and translate them: {untranslated}"
    assert {t for op in zh_ops.values() for t in op["tags"]} == {
        "机构与人员",
        "政府官员培训",
        "气候合作",
        "气候",
        "行动方案",
        "讲课材料",
        "对外联络",
    }
    assert len(SUMMARIES) == len({op["summary"] for op in en_ops.values()})


def test_docs_page_says_its_language_and_what_stays_in_english(client_for):
    zh = client_for(None, language="zh-hans").get("/api/v1/docs").content.decode()
    assert '<html lang="zh-Hans">' in zh and "<title>CityBridge API</title>" in zh
    assert "Swagger UI" in zh and "无法翻译" in zh
    en = client_for(None, language="en").get("/api/v1/docs").content.decode()
    assert '<html lang="en">' in en and "the viewer cannot be translated" in en
    assert "/static/ninja/swagger-ui-bundle" in en  # still served from this host
