from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("", views.material_list, name="list"),
    path("new/", views.material_create, name="create"),
    path("<id:pk>/", views.material_detail, name="detail"),
    path("<id:pk>/transition/", views.material_transition, name="transition"),
    path("<id:pk>/assign/", views.material_assign, name="assign"),
    path("<id:pk>/adaptation/", views.material_adaptation, name="adaptation"),
    path("<id:pk>/versions/new/", views.version_upload, name="version-upload"),
    path("<id:pk>/editor/", views.editor, name="editor"),
    path("versions/<id:pk>/original/", views.version_download, {"which": "original"}, name="download"),
    path("versions/<id:pk>/translated/", views.version_download, {"which": "translated"}, name="download-translated"),
    path("versions/<id:pk>/build/", views.version_build, name="build"),
    path("versions/<id:pk>/xliff/", views.version_xliff_export, name="xliff-export"),
    path("versions/<id:pk>/xliff/import/", views.version_xliff_import, name="xliff-import"),
    path("segments/<id:pk>/save/", views.segment_save, name="segment-save"),
    path("segments/<id:pk>/mt/", views.segment_machine_translate, name="segment-mt"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/import/", views.glossary_import, name="glossary-import"),
    path("glossary/export.csv", views.glossary_export, {"fmt": "csv"}, name="glossary-export-csv"),
    path("glossary/export.tbx", views.glossary_export, {"fmt": "tbx"}, name="glossary-export-tbx"),
]
