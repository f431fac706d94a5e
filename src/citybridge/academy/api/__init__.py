"""Government Training API at /api/v1/academy/, one module per entity (as services/ is). Each module defines its own
`router`; this one mounts them all under the tag "academy". A new module: define `router = Router()` in it and add
it to ROUTERS (operations on one path must stay in one module: ninja answers 405 for a method another router owns)."""

from ninja import Router

from . import (
    attendance,
    behind,
    certificates,
    courses,
    curriculum,
    duplicates,
    enrolment,
    external_training,
    impact,
    lecturers,
    officials,
    planning,
    roster,
    sessions,
    timetable,
)

ROUTERS = [
    curriculum,
    courses,
    sessions,
    enrolment,
    roster,
    attendance,
    officials,
    external_training,
    behind,
    impact,
    certificates,
    duplicates,
    lecturers,
    timetable,
    planning,
]

router = Router(tags=["academy"])
for module in ROUTERS:
    router.add_router("", module.router)
