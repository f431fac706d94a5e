"""Outreach API at /api/v1/outreach/, one module per entity. Each module defines its own `router`; this one mounts
them all under the tag "outreach". A new module: import it and add it to ROUTERS (operations on one path must stay in
one module: ninja answers 405 for a method another router owns)."""

from ninja import Router

from . import activities, documents, evaluations, events, partners, public

ROUTERS = [
    evaluations,
    activities,
]
ROUTERS += [partners, events, public, documents]

router = Router(tags=["outreach"])
for module in ROUTERS:
    router.add_router("", module.router)
