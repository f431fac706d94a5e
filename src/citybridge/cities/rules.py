"""Permissions for the climate collaborative's city registry and cohort selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from citybridge.core.rules import is_program_staff, is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User

    from .models import City, ExpressionOfInterest


@rules.predicate
def coordinates_city(user: User | AnonymousUser, obj: City | ExpressionOfInterest | None) -> bool:
    """obj: a City, or anything with a city_id (an expression of interest)."""
    if obj is None or not is_signed_in(user) or not user.has_role("city_coordinator"):
        return False
    city_id = getattr(obj, "city_id", None) or getattr(obj, "pk", None)
    return city_id in user.scoped_city_ids()


rules.add_perm("cities.view_city", is_signed_in)
rules.add_perm("cities.submit_interest", is_program_staff | coordinates_city)
rules.add_perm("cities.view_interest", is_program_staff | coordinates_city)
rules.add_perm("cities.review_interest", is_program_staff)
rules.add_perm("cities.manage_pool", is_program_staff)
rules.add_perm("cities.import_registry", is_program_staff)
rules.add_perm("cities.run_selection", is_program_staff)
rules.add_perm("cities.view_selection", is_program_staff)
rules.add_perm("cities.view_pairs", is_signed_in)
rules.add_perm("cities.manage_pairs", is_program_staff)
