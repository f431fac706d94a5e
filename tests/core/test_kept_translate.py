"""`{% load i18n %}` is core/templatetags/kept_i18n.py: a literal `{% translate %}` is kept per language and renders
exactly what Django's tag renders, in each language, with a context, `as`, noop, autoescape off; anything not a
literal is Django's tag as it is. `{% blocktranslate %}` renders exactly what Django's renders, whatever its values
(issue 9)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.template import Context, Engine, engines
from django.templatetags import i18n
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from citybridge.core.templatetags import kept_i18n

if TYPE_CHECKING:
    from collections.abc import Callable

SOURCES = [
    '{% translate "Home" %}',
    '{% translate "Name" context "person" %}',
    '{% translate "Sign out" as h %}[{{ h }}]',
    '{% translate "Home" noop %}',
    "{% translate word %}",
    '{% translate "Home"|upper %}',
    '{% translate "Name" context which %}',
    "{% translate '<b>&' %}",
    '{% autoescape off %}{% translate "a < b" %}{% endautoescape %}',
    '{% trans "Home" %}',
]


def django_engine() -> Engine:
    """The same engine with Django's own i18n library under the same name: the reference."""
    return Engine(libraries={"i18n": "django.templatetags.i18n"}, debug=False)


def render(source: str) -> str:
    return engines["django"].from_string("{% load i18n %}" + source).render({})


def test_the_project_loads_the_kept_library_under_django_s_name():
    template = engines["django"].from_string('{% load i18n %}{% translate "Home" %}')
    (node,) = [n for n in template.template.nodelist if isinstance(n, i18n.TranslateNode)]
    assert isinstance(node, kept_i18n.KeptTranslateNode) and node.constant


@pytest.mark.parametrize("source", SOURCES)
def test_renders_what_django_renders_in_both_languages_again_and_again(source):
    reference = django_engine()
    ours = engines["django"].from_string("{% load i18n %}" + source)
    theirs = reference.from_string("{% load i18n %}" + source)
    values = {"word": "Home", "which": "person"}
    for language in ("en", "zh-hans", "en", "zh-hans"):  # the kept value of one language never serves the other
        with translation.override(language):
            assert ours.render(values) == theirs.render(Context(values)), (source, language)
    with translation.override("zh-hans"):
        assert render('{% translate "Home" %}') == "首页"
        assert render('{% translate "Sign out" as h %}{{ h }}') == "退出登录"


def test_only_literals_are_kept():
    nodes = {}
    for source in SOURCES:
        template = engines["django"].from_string("{% load i18n %}" + source).template
        nodes[source] = template.nodelist.get_nodes_by_type(i18n.TranslateNode)[0].constant
    assert nodes["{% translate word %}"] is False
    assert nodes['{% translate "Home"|upper %}'] is False
    assert nodes['{% translate "Name" context which %}'] is False
    assert nodes['{% translate "Name" context "person" %}'] is True


def test_a_kept_value_is_dropped_when_the_languages_change_and_not_kept_under_debug():
    template = engines["django"].from_string('{% load i18n %}{% translate "Home" %}')
    (node,) = template.template.nodelist.get_nodes_by_type(i18n.TranslateNode)
    with translation.override("zh-hans"):
        assert template.render({}) == "首页"
    assert any(key[1] == "zh-hans" for key in node.kept)
    with override_settings(LANGUAGES=[("en", "English"), ("zh-hans", "简体中文")]):
        assert all(key[0] != kept_i18n._epoch[0] for key in node.kept)  # earlier values are not used again
    node.kept.clear()
    with override_settings(DEBUG=True), translation.override("zh-hans"):
        assert template.render({}) == "首页"
    assert node.kept == {}


def test_i18n_is_the_only_tag_library_named_twice():
    """templates.W003 is silenced for `i18n` (settings.SILENCED_SYSTEM_CHECKS); any other name used twice fails."""
    from django.core.checks.templates import check_templates

    warnings = [w for w in check_templates(None) if w.id == "templates.W003"]
    assert len(warnings) == 1
    assert "'i18n' is used for multiple template tag modules" in warnings[0].msg


BLOCK_SOURCES = [
    "{% blocktranslate with number=n %}Page {{ number }}{% endblocktranslate %}",
    "{% blocktranslate count counter=n %}{{ counter }} person{% plural %}{{ counter }} people{% endblocktranslate %}",
    "{% blocktranslate count counter=n %}{{ counter }} person: {{ v }}{% plural %}{{ counter }} people: {{ v }}"
    "{% endblocktranslate %}",
    '{% blocktranslate context "person" with a=v %}of {{ a }}{% endblocktranslate %}',
    "{% blocktranslate with a=v b=n %}{{ a }} and {{ b }} and {{ missing }}{% endblocktranslate %}",
    "{% blocktranslate %}Page {{ n }}{% endblocktranslate %}",
    "{% blocktranslate with number=n asvar t %}Page {{ number }}{% endblocktranslate %}[{{ t }}]",
    "{% blocktranslate trimmed with number=n %}\n  Page\n  {{ number }}\n{% endblocktranslate %}",
    "{% autoescape off %}{% blocktranslate with a=v %}of {{ a }}{% endblocktranslate %}{% endautoescape %}",
    "{% blocktranslate count counter=v %}{{ counter }} person{% plural %}{{ counter }} people{% endblocktranslate %}",
    "{% blocktranslate with a=v|upper %}100% {{ a }}{% endblocktranslate %}",
    "{% blocktrans with number=n %}Page {{ number }}{% endblocktrans %}",
]
VALUES = [
    0,
    1,
    2,
    31234,
    -5,
    True,
    2.5,
    Decimal("1234.50"),
    "<b>&'\"",
    mark_safe("<i>ok</i>"),
    None,
    date(2026, 11, 30),
    datetime(2026, 11, 30, 9, 5),
    [1, 2],
]


def _render_or_error(render: Callable[[], str]) -> str:
    try:
        return render()
    except Exception as exc:  # noqa: BLE001 - the same error is the same behaviour
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.filterwarnings("ignore:Plural value must be an integer:DeprecationWarning")
@pytest.mark.parametrize("source", BLOCK_SOURCES)
def test_blocktranslate_renders_what_django_renders_whatever_its_values(source):
    reference = django_engine()
    ours = engines["django"].from_string("{% load i18n %}" + source)
    theirs = reference.from_string("{% load i18n %}" + source)
    assert ours.template.nodelist.get_nodes_by_type(kept_i18n.KeptBlockTranslateNode)
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            for n in VALUES:
                for v in VALUES:
                    got = _render_or_error(lambda: ours.render({"n": n, "v": v}))  # noqa: B023 - called at once
                    expected = _render_or_error(lambda: theirs.render(Context({"n": n, "v": v})))  # noqa: B023
                    assert got == expected, (source, language, n, v)
    with translation.override("zh-hans"):
        assert render("{% blocktranslate with number=5 %}Page {{ number }}{% endblocktranslate %}") == "第 5 页"


def test_blocktranslate_leaves_thousands_separators_to_django():
    source = "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} person{% plural %}{{ counter }} people{% endblocktranslate %}"
    with override_settings(USE_THOUSAND_SEPARATOR=True), translation.override("en"):
        assert engines["django"].from_string(source).render({"n": 31234}) == "31,234 people"
