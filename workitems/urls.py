"""URLs of the workitems app."""

app_name = "workitems"
urlpatterns: list = []
