"""Operation ids are what generated API clients name their methods after: they stay
`citybridge_<app>_api_<function>` (or `_<area>_api_` for a second api module such as climate's plan_api) even when an app's api.py becomes a package of modules."""

import re

from citybridge.api.router import api


def test_operation_ids_are_app_level_and_unique():
    ids = [
        op["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
    ]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"citybridge_[a-z]+_([a-z]+_)?api_[a-z0-9_]+", i) for i in ids), ids
    assert "citybridge_academy_api_list_academies" in ids  # a function of academy/api/curriculum.py


def _subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_schema_names_are_unique():
    """The OpenAPI document keeps one component per class name: two apps' `SessionIn` (a course's session, an
    event's programme session) documented one body for both, and a client built from it sent bodies the other
    endpoint refused."""
    from ninja import Schema

    by_name: dict[str, set[str]] = {}
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("citybridge."):
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}
    components = api.get_openapi_schema()["components"]["schemas"]
    session = components["SessionIn"]["properties"]  # the academy's session, as POST …/sessions takes it
    assert "lecturer_id" in session and "speaker_ids" not in session
    assert "speaker_ids" in components["EventSessionIn"]["properties"]


def test_every_operation_documents_its_error_answers():
    """The document named only 200/201/204/202 (and 422 on four operations): a client could not know the API
    answers 401, 403, 404, 409 and 422 in one error format."""
    schema = api.get_openapi_schema()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors", "current"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"422", "429"} <= codes, (method, path)
            assert "{" not in path or "404" in codes, (method, path)
            assert method not in ("put", "patch", "delete") or "409" in codes, (method, path)
    people = schema["paths"]["/api/v1/people/{pk}"]["delete"]["responses"]
    assert people["409"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorOut"
