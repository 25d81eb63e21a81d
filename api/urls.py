"""The account page, the API's documentation and the exports of the tables;
the API itself is mounted at /api/ by onechamber.urls."""

from django.urls import path, re_path

from api import views

app_name = "data"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("api/", views.root, name="root"),
    path("api/docs/", views.docs, name="docs"),
    re_path(
        r"^export/(?P<table>[a-z0-9-]{1,60})\.(?P<extension>csv|json)$",
        views.export,
        name="export",
    ),
]
