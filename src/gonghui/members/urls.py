from django.urls import path  # noqa: F401

from .documents import urls as document_urls
from .imports import urls as import_urls
from .women import urls as women_urls

app_name = "members"

# Each part of the registry keeps its own URL module; all of them live in the "members" namespace.
urlpatterns: list = [
    *import_urls.urlpatterns,
    *document_urls.urlpatterns,
    *women_urls.urlpatterns,
]
