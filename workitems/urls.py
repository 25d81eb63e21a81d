"""URLs of the workitems app."""

from django.urls import path

from workitems import views

app_name = "workitems"
urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/wg-status/", views.wg_status, name="wg_status"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    # At the address the file has under MEDIA_URL: the packet reads the same
    # HTML from the media files, and a distributed edition's frozen pages
    # show it here (media files themselves are never served as they are).
    path(
        "media/highlights/<str:name>",
        views.highlight_image,
        name="highlight_image",
    ),
    path("plans/", views.plan_latest, name="plan_latest"),
    path("plans/<int:fiscal_year>/", views.plan_detail, name="plan"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule.ics", views.schedule_ics, name="schedule_ics"),
    path(
        "schedule/token/reset/",
        views.reset_calendar_token,
        name="reset_calendar_token",
    ),
]
