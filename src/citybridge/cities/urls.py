from django.urls import path

from . import views

app_name = "cities"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.city_detail, name="city"),
    path("<int:pk>/interest/", views.interest_create, name="interest-new"),
    path("<int:pk>/pool/", views.pool_toggle, name="pool-toggle"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/<int:pk>/review/", views.interest_review, name="interest-review"),
    path("pool/", views.pool, name="pool"),
    path("selection/", views.run_list, name="runs"),
    path("selection/compare/", views.run_compare, name="compare"),
    path("selection/<int:pk>/", views.run_detail, name="run"),
    path("selection/<int:pk>/rerun/", views.run_rerun, name="run-rerun"),
    path("selection/<int:pk>/export.xlsx", views.run_xlsx, name="run-xlsx"),
    path("selection/<int:pk>/memo.pdf", views.run_pdf, name="run-pdf"),
]
