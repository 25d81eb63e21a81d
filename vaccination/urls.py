"""URLs of the vaccination app."""

app_name = "vaccination"
urlpatterns: list = []
