"""Templates render as Django's engine renders them, and what a page was rendered from is freed as soon as it is
rendered, not left to the garbage collector (core/template_backend.py, issue 9)."""

from __future__ import annotations

import gc
import weakref

import pytest
from django.template import TemplateDoesNotExist, engines
from django.test import RequestFactory


class Marker:
    """Anything a view hands to a template; weakly referenceable, so a test can see when it is freed."""

    label = "a < b"


@pytest.fixture
def no_collector():
    gc.collect()
    gc.disable()  # only reference counting may free what the tests watch
    yield
    gc.enable()


def test_the_engine_is_ours_under_djangos_name():
    from citybridge.core.template_backend import DjangoTemplates

    assert isinstance(engines["django"], DjangoTemplates)


@pytest.mark.usefixtures("no_collector")
@pytest.mark.parametrize("with_request", [False, True])
def test_a_rendered_pages_variables_are_freed_at_once(with_request):
    marker = Marker()
    watched = weakref.ref(marker)
    request = RequestFactory().get("/") if with_request else None
    html = engines["django"].from_string("{{ m.label }}").render({"m": marker}, request)
    assert html == "a &lt; b"
    del marker
    assert watched() is None  # Django's own render leaves it in a reference loop until a collection


def test_a_list_page_leaves_no_row_behind(staff):
    """The people list through its view: once the response is dropped, none of its 50 rows is still alive."""
    from citybridge.core.models import Person
    from citybridge.core.views import person_list

    Person.objects.bulk_create(Person(family_name_en=f"Name{i}", given_name_en="A") for i in range(60))
    request = RequestFactory().get("/people/")
    request.user, request.session = staff, {}

    def rows_alive() -> int:
        return sum(type(o).__name__ == "PersonRow" for o in gc.get_objects())

    gc.collect()
    gc.disable()
    try:
        response = person_list(request)
        assert response.status_code == 200 and response.content.count(b"<tr>") == 51  # the header and 50 rows
        del response
        assert rows_alive() == 0
    finally:
        gc.enable()


def test_errors_are_djangos():
    with pytest.raises(TemplateDoesNotExist):
        engines["django"].get_template("no/such/template.html")


def test_the_test_client_still_sees_the_context(client, django_user_model):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and "form" in response.context
