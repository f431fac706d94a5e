from django.urls import path

from . import views

app_name = "cities"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.city_detail, name="city"),
    path("<id:pk>/interest/", views.interest_create, name="interest-new"),
    path("<id:pk>/pool/", views.pool_toggle, name="pool-toggle"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/<id:pk>/review/", views.interest_review, name="interest-review"),
    path("pool/", views.pool, name="pool"),
    path("pairs/", views.pair_list, name="pairs"),
    path("pairs/new/", views.pair_create, name="pair-new"),
    path("pairs/<id:pk>/end/", views.pair_end, name="pair-end"),
    path("selection/", views.run_list, name="runs"),
    path("pick/", views.pick, name="pick"),
    path("selection/compare/", views.run_compare, name="compare"),
    path("selection/<id:pk>/", views.run_detail, name="run"),
    path("selection/<id:pk>/status/", views.run_status, name="run-status"),
    path("selection/<id:pk>/rerun/", views.run_rerun, name="run-rerun"),
    path("selection/<id:pk>/export.xlsx", views.run_xlsx, name="run-xlsx"),
    path("selection/<id:pk>/memo.pdf", views.run_pdf, name="run-pdf"),
]
