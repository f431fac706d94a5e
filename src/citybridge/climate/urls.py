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
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_form, name="target-new"),
    path("targets/<id:pk>/", views.target_detail, name="target"),
    path("targets/<id:pk>/edit/", views.target_form, name="target-edit"),
]
