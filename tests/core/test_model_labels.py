"""Every label of our models reads in Chinese: the Django admin (program staff) builds its lists, filters and forms
from the models' verbose names, so a field without a translated `verbose_name` shows its English name on a Chinese
page."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from modeltranslation.fields import TranslationField

HAN = re.compile(r"[\u3400-\u9fff]")


def our_models() -> list:
    """Our apps' models, without the historical copies django-simple-history makes of them (their fields are
    copies of ours, their `history_*` fields are simple_history's)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("citybridge.") and not m.__name__.startswith("Historical")
    ]


def labels(model: type) -> list[tuple[str, object]]:
    """(what, label) for the model's names and each concrete or many-to-many field's verbose_name; not the automatic
    `id` (Django's "ID" reads in both languages) nor modeltranslation's per-language copies (`name_en`,
    `name_zh_hans`), which take their label from the field they copy."""
    found = [
        (f"{model._meta.label} Meta.{attr}", getattr(model._meta, attr))
        for attr in ("verbose_name", "verbose_name_plural")
    ]
    for field in model._meta.get_fields():
        if not (getattr(field, "concrete", False) or field.many_to_many) or field.auto_created:
            continue
        if isinstance(field, TranslationField):
            continue
        found.append((f"{model._meta.label}.{field.name}", field.verbose_name))
    return found


def test_our_models_are_found():
    names = {m._meta.label for m in our_models()}
    assert {"core.ApiToken", "materials.Material", "climate.Inventory", "academy.TrainingSummary"} <= names
    assert not any(name.split(".")[1].startswith("Historical") for name in names)


def test_every_model_and_field_label_is_translated_to_chinese():
    missing = []
    for model in our_models():
        for meta in ("verbose_name", "verbose_name_plural"):
            if meta not in model._meta.original_attrs:  # Django's own plural is the English name plus "s"
                missing.append(f"{model._meta.label} Meta.{meta}: not set")
        for what, label in labels(model):
            if not isinstance(label, Promise):
                missing.append(f"{what}: {label!r} is not a lazy translation")
                continue
            english = str(label)
            with translation.override("zh-hans"):
                chinese = str(label)
            if chinese == english or not HAN.search(chinese):
                missing.append(f"{what}: {english!r} has no Chinese translation")
    assert not missing, "\n".join(missing)


def test_historical_copies_follow_our_labels():
    from citybridge.materials.models import Material
    from citybridge.outreach.models import Activity

    history = Activity.history.model
    with translation.override("zh-hans"):
        assert str(history._meta.get_field("created_by").verbose_name) == "创建人"
        assert str(Material._meta.get_field("created_by").verbose_name) == "创建人"


# --------------------------------------------------------------------------- the admin, in Chinese


@pytest.fixture
def admin_client(make_user, client_for):
    superuser = make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    return client_for(superuser, language="zh-hans")


def _column(html: str, field: str) -> str:
    """The changelist's header cell of that column."""
    match = re.search(rf'<th scope="col"\s+class="[^"]*column-{field}[^"]*">(.*?)</th>', html, re.S)
    assert match, f"no column {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _label(html: str, field: str) -> str:
    """The add form's label of that field (a date-time field's label has no `for`: the first label of its row)."""
    match = re.search(rf'<div class="form-row[^"]*\bfield-{field}\b[^"]*">.*?<label[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_admin_token_list_and_form_read_in_chinese(admin_client, staff):
    from citybridge.core.services import api_token_create

    api_token_create(actor=staff, name="script")
    html = admin_client.get("/admin/core/apitoken/").content.decode()
    assert _column(html, "user") == "用户"
    assert _column(html, "prefix") == "令牌前缀"
    assert _column(html, "created_at") == "创建时间"
    assert _column(html, "last_used_at") == "最近使用时间"
    assert _column(html, "revoked_at") == "撤销时间"
    for english in ("Prefix", "Created at", "Last used at", "Revoked at"):
        assert english not in html

    html = admin_client.get("/admin/core/apitoken/add/").content.decode()
    assert _label(html, "user").startswith("用户")
    assert _label(html, "prefix").startswith("令牌前缀")
    assert _label(html, "last_used_at").startswith("最近使用时间")
    assert _label(html, "revoked_at").startswith("撤销时间")
    assert _label(html, "key_hash").startswith("令牌哈希值")
    for english in ("Prefix", "Key hash", "Last used at", "Revoked at"):
        assert english not in html


def test_admin_indicator_values_read_in_chinese(admin_client):
    from citybridge.cities.models import City, DataSource, IndicatorDefinition, IndicatorValue

    city = City.objects.create(name="Hangzhou", name_en="Hangzhou", name_zh_hans="杭州", country="CN")
    source = DataSource.objects.create(code="test", name="Test source", name_en="Test source", citation="Test")
    indicator = IndicatorDefinition.objects.create(
        code="pop", name="Population", name_en="Population", unit="people", category="demography", higher_is_better=True
    )
    IndicatorValue.objects.create(city=city, indicator=indicator, value=1.0, unit="people", source=source)

    html = admin_client.get("/admin/cities/indicatorvalue/").content.decode()
    assert _column(html, "city") == "城市"
    assert _column(html, "indicator") == "指标"
    assert _column(html, "source") == "数据来源"
    assert ">Source<" not in html and ">City<" not in html and ">Indicator<" not in html

    html = admin_client.get("/admin/cities/indicatorvalue/add/").content.decode()
    assert _label(html, "city").startswith("城市")
    assert _label(html, "indicator").startswith("指标")
    assert _label(html, "source").startswith("数据来源")
    assert not re.search(r">(City|Indicator|Source)[:<]", html)


def test_admin_candidate_cities_read_in_chinese(admin_client):
    html = admin_client.get("/admin/cities/candidatecity/add/").content.decode()
    assert _label(html, "added_by").startswith("添加人")
    assert "Added by" not in html


def test_admin_user_form_sections_read_in_chinese(admin_client, staff):
    html = admin_client.get(f"/admin/core/user/{staff.pk}/change/").content.decode()
    headings = [" ".join(h.split()) for h in re.findall(r"<h2[^>]*>([^<]*)</h2>", html)]
    assert "权限" in headings and "Permissions" not in headings, headings


def test_the_libraries_read_in_chinese_in_the_admin(admin_client):
    """django-axes and django-tasks-db ship no Chinese: their app names (core/library_apps.py) and their models'
    labels (core/django_wording.py) are ours."""
    index = admin_client.get("/admin/").content.decode()
    for chinese in ("登录锁定", "登录尝试", "登录失败记录", "登录日志", "后台任务", "任务结果"):
        assert chinese in index, chinese
    for english in (
        "Axes",
        "Access attempts",
        "Access failures",
        "Access logs",
        "Tasks Database Backend",
        "Task Results",
    ):
        assert english not in index, english
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone@example.org", ip_address="192.0.2.1", user_agent="x", http_accept="*/*", path_info="/",
        get_data="", post_data="", failures_since_start=3,
    )  # fmt: skip
    attempts = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "IP 地址" in attempts and "登录失败次数" in attempts and "IP Address" not in attempts
    tasks = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "任务结果" in tasks and "Task Result" not in tasks
