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
