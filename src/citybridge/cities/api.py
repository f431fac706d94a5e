from ninja import Router

router = Router(tags=["cities"])
