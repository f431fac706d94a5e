"""Date and time fields keep their value in Chinese. A date input reads only ISO dates (2025-03-04); with the
Chinese input formats Django writes 2025/03/04, and the browser shows the field empty, so an edit made in Chinese
lost its date. Every form in the project gives its date and time inputs `core.forms.DATE` / `TIME`."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import translation

from citybridge.core.forms import DATE, TIME

from ..outreach._part_fixtures import *  # noqa: F401,F403
from ._forms import project_forms


def test_every_date_and_time_input_writes_iso_values():
    classes = project_forms()
    assert len(classes) > 40  # the walk found the project's forms
    wrong = []
    for cls in classes:
        for name, field in getattr(cls, "base_fields", {}).items():
            kind = getattr(field.widget, "input_type", None)
            if kind in ("date", "time"):
                expected = DATE if kind == "date" else TIME
                if field.widget.format != expected.format:
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_edit_page_shows_its_date_and_times(client_for, staff, engagement, language):
    page = client_for(staff, language=language).get(f"/outreach/engagements/{engagement.pk}/edit/").content.decode()
    assert f'value="{engagement.date:%Y-%m-%d}"' in page
    assert f'value="{engagement.start_time:%H:%M}"' in page


def test_the_widgets_render_iso_in_chinese():
    with translation.override("zh-hans"):
        assert 'value="2025-03-04"' in DATE.render("d", date(2025, 3, 4))
        assert 'value="18:30"' in TIME.render("t", time(18, 30))
