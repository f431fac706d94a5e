from django.urls import path

from . import views

app_name = "climate"
urlpatterns = [
    path("", views.inventory_list, name="inventories"),
    path("inventories/new/", views.inventory_create, name="inventory-new"),
    path("inventories/<id:pk>/", views.inventory_detail, name="inventory"),
    path("inventories/<id:pk>/edit/", views.inventory_edit, name="inventory-edit"),
    path("inventories/<id:pk>/step/<slug:step>/", views.inventory_step, name="inventory-step"),
    path("inventories/<id:pk>/entries/new/", views.entry_form, name="entry-new"),
    path("inventories/<id:pk>/entries/<id:entry_id>/", views.entry_form, name="entry-edit"),
    path("inventories/<id:pk>/entries/<id:entry_id>/delete/", views.entry_delete, name="entry-delete"),
    path("inventories/<id:pk>/review-requests/", views.review_requests, name="inventory-review-requests"),
    path("inventories/<id:pk>/import/", views.inventory_import, name="inventory-import"),
    path("inventories/<id:pk>/gpc-table.xlsx", views.inventory_xlsx, name="inventory-xlsx"),
    path("inventories/<id:pk>/cdp-summary.xlsx", views.inventory_cdp, name="inventory-cdp"),
    path("template.xlsx", views.template_download, name="template"),
    path("factors/", views.factor_list, name="factors"),
    path("factors/new/", views.factor_create, name="factor-new"),
    path("factors/<id:pk>/", views.factor_detail, name="factor"),
    path("factors/<id:pk>/recompute/", views.factor_recompute, name="factor-recompute"),
    path("runs/<id:pk>/status/", views.run_status, name="run-status"),
    path("ambition/", views.ambition, name="ambition"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_form, name="target-new"),
    path("targets/<id:pk>/", views.target_detail, name="target"),
    path("targets/<id:pk>/edit/", views.target_form, name="target-edit"),
]

from . import plan_views  # noqa: E402  (issue #12: action plans)

urlpatterns += [
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_create, name="plan-new"),
    path("plans/compare/", plan_views.plan_compare, name="plan-compare"),
    path("plans/drivers/<id:city_id>/", plan_views.drivers_edit, name="plan-drivers"),
    path("plans/catalogue/", plan_views.catalogue_list, name="plan-catalogue"),
    path("plans/catalogue/new/", plan_views.catalogue_edit, name="plan-catalogue-new"),
    path("plans/catalogue/<id:pk>/", plan_views.catalogue_edit, name="plan-catalogue-edit"),
    path("plans/catalogue/<id:pk>/retire/", plan_views.catalogue_retire, name="plan-catalogue-retire"),
    path("plans/<id:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<id:pk>/measures/add/", plan_views.plan_measure_add, name="plan-measure-add"),
    path("plans/<id:pk>/measures/<id:measure_id>/", plan_views.plan_measure_edit, name="plan-measure"),
    path("plans/<id:pk>/measures/<id:measure_id>/delete/", plan_views.plan_measure_delete, name="plan-measure-delete"),
    path("plans/<id:pk>/copy/", plan_views.plan_copy, name="plan-copy"),
    path("plans/<id:pk>/publish/", plan_views.plan_publish, name="plan-publish"),
    path("plans/<id:pk>/progress/", plan_views.plan_progress, name="plan-progress"),
    path("plans/<id:pk>/progress.xlsx", plan_views.plan_progress_xlsx, name="plan-progress-xlsx"),
    path("plans/<id:pk>/progress.pdf", plan_views.plan_progress_pdf, name="plan-progress-pdf"),
]
