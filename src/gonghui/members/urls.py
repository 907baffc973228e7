from django.urls import path

from . import views
from .documents import urls as document_urls
from .imports import urls as import_urls
from .women import urls as women_urls

app_name = "members"

# Each part of the registry keeps its own URL module; all of them live in the "members" namespace.
urlpatterns: list = [
    path("<int:pk>/", views.member_list, name="member_list"),
    path("<int:pk>/new/", views.member_create, name="member_create"),
    path("<int:pk>/transfers/", views.transfer_list, name="transfer_list"),
    path("<int:pk>/inactive/", views.inactive_list, name="inactive_list"),
    path("m/<int:pk>/", views.member_detail, name="member_detail"),
    path("m/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("m/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("m/<int:pk>/membership/", views.member_membership, name="member_membership"),
    *import_urls.urlpatterns,
    *document_urls.urlpatterns,
    *women_urls.urlpatterns,
]
