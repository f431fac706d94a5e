"""History lines say what changed, in words: field names, old → new values as labels, and who by name."""

from __future__ import annotations

import pytest

from citybridge.core import services
from citybridge.core.models import Organisation, Person


@pytest.mark.django_db
def test_history_shows_fields_values_and_a_name(make_user, client_for):
    person = Person.objects.create(
        family_name_en="Hammer", given_name_en="Steve", family_name_zh_hans="海默", given_name_zh_hans="史蒂夫"
    )
    staff = make_user("program_staff", email="steve@example.org", person=person)
    org = services.organisation_create(
        actor=staff, name_en="Zhenjiang Academy", name_zh_hans="镇江学院", type="academy", country="CN"
    )
    org = Organisation.objects.get(pk=org.pk)
    services.organisation_update(
        actor=staff, organisation=org, expected_version=org.version, type="city_government", name_zh_hans="镇江市政府"
    )
    org.history.update(history_user=staff)  # services run outside a request here; the middleware sets it in one
    html = client_for(staff, language="zh-hans").get(f"/organisations/{org.pk}/").content.decode()
    assert "史蒂夫·海默" in html and "steve@example.org" not in html.split("修改记录", 1)[1]
    assert "类型：培训学院 → 市政府" in html
    assert "名称（中文）：镇江学院 → 镇江市政府" in html
    assert "academy" not in html.split("修改记录", 1)[1].lower().replace("镇江", "")
