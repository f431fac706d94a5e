"""Permissions of the climate collaborative (inventories, targets, factors), as `rules` predicates.

Object scope for reads is in the querysets' ``visible_to(user)``; these say who may change what."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from citybridge.core.rules import is_program_staff, is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from citybridge.core.models import User

    from .models import Inventory


@rules.predicate
def coordinates_city(user: User | AnonymousUser, obj: object) -> bool:
    """obj: a City, or anything with a city_id (an inventory, a target), or an entry (its inventory's city)."""
    if obj is None or not is_signed_in(user) or not user.has_role("city_coordinator"):
        return False
    if hasattr(obj, "inventory_id") and not hasattr(obj, "city_id"):
        obj = obj.inventory
    city_id = getattr(obj, "city_id", None)
    if city_id is None:
        city_id = getattr(obj, "pk", None)
    return city_id in user.scoped_city_ids()


@rules.predicate
def asked_to_review(user: User | AnonymousUser, inventory: Inventory | None) -> bool:
    if inventory is None or not is_signed_in(user) or not user.has_role("expert"):
        return False
    return inventory.review_requests.filter(expert=user).exists()


is_coordinator = rules.predicate(lambda user: bool(is_signed_in(user) and user.has_role("city_coordinator")))

# factors: the library is staff's; a city adds its own local factors
rules.add_perm("climate.manage_factors", is_program_staff)
rules.add_perm("climate.add_local_factor", is_program_staff | coordinates_city)
rules.add_perm("climate.recompute", is_program_staff)
# inventories (obj: the city when creating, the inventory otherwise)
rules.add_perm("climate.add_inventory", is_program_staff | coordinates_city)
rules.add_perm("climate.change_inventory", is_program_staff | coordinates_city)
rules.add_perm("climate.submit_inventory", is_program_staff | coordinates_city)
rules.add_perm("climate.review_inventory", is_program_staff | asked_to_review)
rules.add_perm("climate.publish_inventory", is_program_staff | coordinates_city)
rules.add_perm("climate.request_review", is_program_staff)
rules.add_perm("climate.import_cdp", is_program_staff)
# targets (obj: the city)
rules.add_perm("climate.change_target", is_program_staff | coordinates_city)
# pages offering the "new" buttons
rules.add_perm("climate.create_anything", is_program_staff | is_coordinator)
# action plans (issue #12; obj: the city when creating, the plan otherwise)
rules.add_perm("climate.change_plan", is_program_staff | coordinates_city)
rules.add_perm("climate.change_catalogue", is_program_staff)
