from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import citybridge.core.converters  # noqa: F401  (registers <id:…>)
from citybridge.api.router import api
from citybridge.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set-language"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<id:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<id:pk>/delete/", views.organisation_delete, name="organisation-delete"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<id:pk>/", views.person_detail, name="person-detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<id:pk>/delete/", views.person_delete, name="person-delete"),
    path("people/<id:pk>/export/", views.person_export, name="person-export"),
    path("people/<id:pk>/erase/", views.person_erase, name="person-erase"),
    path("people/<id:pk>/roles/", views.person_roles, name="person-roles"),
    path("people/<id:pk>/roles/<id:membership_pk>/remove/", views.person_role_remove, name="person-role-remove"),
    path("people/scope-search/organisations/", views.scope_search_organisations, name="scope-search-organisations"),
    path("people/scope-search/cities/", views.scope_search_cities, name="scope-search-cities"),
    path("people/scope-search/people/", views.scope_search_people, name="scope-search-people"),
    path("academy/", include("citybridge.academy.urls")),
    path("cities/", include("citybridge.cities.urls")),
    path("climate/", include("citybridge.climate.urls")),
    path("materials/", include("citybridge.materials.urls")),
    path("outreach/", include("citybridge.outreach.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "citybridge.core.views.error_403"
handler404 = "citybridge.core.views.error_404"
handler500 = "citybridge.core.views.error_500"
handler400 = "citybridge.core.views.error_400"
