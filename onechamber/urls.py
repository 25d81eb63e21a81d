from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import endpoints as api_endpoints
from onechamber.views import LoginView, mail_required, view_on_site

# django.contrib.auth.urls, with the reset pages behind mail_required.
account_urls = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        mail_required(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        mail_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        mail_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        mail_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    # Before the admin's own, which it replaces.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    path("", include("meetings.urls")),
    path("", include("workitems.urls")),
    path("", include("vaccination.urls")),
    path("", include("api.urls")),
    path("api/", api_endpoints.urls()),
    path("", include("search.urls")),
]

handler400 = "onechamber.views.bad_request"
handler403 = "onechamber.views.permission_denied"
handler404 = "onechamber.views.page_not_found"
handler500 = "onechamber.views.server_error"
