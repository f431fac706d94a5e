"""All validation errors at once, beside their fields, with the user's input kept (both languages)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_course_form_shows_every_problem_beside_its_field(client_for, staff, academy, language):
    response = client_for(staff, language).post(
        "/academy/courses/new/",
        {
            "academy": academy.pk,
            "title_en": "",
            "title_zh_hans": "",
            "start_date": "2030-05-10",
            "end_date": "2030-05-01",
            "location_en": "Room 12 with a long name",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # the title and the dates are both reported, each beside its field, in one submit
    assert 'id="id_title_en_errors"' in html and 'id="id_end_date_errors"' in html
    title = re.search(r'<input[^>]*name="title_en"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in title and 'aria-describedby="id_title_en_errors"' in title
    assert 'aria-describedby="id_end_date_errors"' in html
    assert 'value="Room 12 with a long name"' in html and 'value="2030-05-10"' in html  # input kept
    assert 'role="alert"' in html
    assert ("problems below" if language == "en" else "个问题") in html


def test_session_service_collects_field_errors(staff, course):
    from datetime import date, time

    from django.core.exceptions import ValidationError

    from citybridge.academy import services

    with pytest.raises(ValidationError) as exc:
        services.session_save(
            actor=staff, course=course, date=date(2031, 1, 1), start_time=time(12), end_time=time(9), format="lecture"
        )
    assert {"date", "end_time"} <= set(exc.value.message_dict)


def test_organisation_form_reports_name_and_website_together(client_for, staff):
    html = (
        client_for(staff)
        .post(
            "/organisations/new/",
            {
                "name_en": "",
                "name_zh_hans": "",
                "type": "ngo",
                "country": "CN",
                "website": "not a url at all",
                "city_en": "Shijiazhuang",
            },
        )
        .content.decode()
    )
    assert 'id="id_name_en_errors"' in html and 'id="id_website_errors"' in html
    assert 'value="Shijiazhuang"' in html
