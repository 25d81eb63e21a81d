from django.urls import path

from meetings import feeds, views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("news.atom", feeds.news_feed, name="news_feed"),
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
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/",
        views.meeting_detail,
        name="edition_detail",
    ),
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/packet.pdf",
        views.edition_packet,
        name="edition_packet",
    ),
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/materials/<int:number>/",
        views.material_detail,
        name="edition_material_detail",
    ),
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/reference/<int:number>/",
        views.material_detail,
        {"series": "reference"},
        name="edition_reference_detail",
    ),
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/materials/<int:number>.pdf",
        views.edition_material_pdf,
        name="edition_material_pdf",
    ),
    path(
        "meetings/<int:pk>/editions/<int:edition_number>/reference/<int:number>.pdf",
        views.edition_material_pdf,
        {"series": "reference"},
        name="edition_reference_pdf",
    ),
    # At the address the file has under MEDIA_URL (see workitems' images).
    path(
        "media/materials/images/<str:name>",
        views.material_image,
        name="material_image",
    ),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path(
        "municipalities/<str:code>/",
        views.municipality_detail,
        name="municipality",
    ),
]
