from ._part_fixtures import *  # noqa
import pytest
pytestmark = pytest.mark.django_db
def test_dbg(client_for, staff, partner):
    response = client_for(staff, language="zh-hans").post(
        f"/outreach/partners/{partner.pk}/edit/", {"version": "1", "technologies": "a" * 501, "notes": "kept"}
    )
    html = response.content.decode()
    i = html.find("<form")
    print(html[i:i+3000])
