"""URLs of the vaccination app."""

from django.urls import path

from vaccination import views

app_name = "vaccination"
urlpatterns = [
    path("vaccination/", views.index, name="index"),
    path("vaccination/eligibility/", views.eligibility, name="eligibility"),
    path("vaccination/venues/", views.venues, name="venues"),
    path(
        "api/vaccination/eligibility/",
        views.api_eligibility,
        name="api_eligibility",
    ),
]
