from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<int:pk>/materials/<int:number>/",
        views.material_detail,
        name="material_detail",
    ),
    path(
        "meetings/<int:pk>/reference/<int:number>/",
        views.material_detail,
        {"series": "reference"},
        name="reference_detail",
    ),
    path(
        "meetings/<int:pk>/materials/<int:number>/file/",
        views.material_file,
        name="material_file",
    ),
    path(
        "meetings/<int:pk>/reference/<int:number>/file/",
        views.material_file,
        {"series": "reference"},
        name="reference_file",
    ),
    path("meetings/<int:pk>/packet.pdf", views.packet_pdf, name="packet"),
    path(
        "meetings/<int:pk>/materials/<int:number>.pdf",
        views.material_pdf,
        name="material_pdf",
    ),
    path(
        "meetings/<int:pk>/reference/<int:number>.pdf",
        views.material_pdf,
        {"series": "reference"},
        name="reference_pdf",
    ),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path(
        "municipalities/<str:code>/",
        views.municipality_detail,
        name="municipality",
    ),
]
