from django.urls import path

from . import evidence_views
from .assistance import urls as assistance_urls
from .campaigns import urls as campaign_urls
from .hardship import urls as hardship_urls
from .visits import urls as visit_urls

app_name = "care"

urlpatterns = [
    *hardship_urls.urlpatterns,
    *assistance_urls.urlpatterns,
    *visit_urls.urlpatterns,
    *campaign_urls.urlpatterns,
    path("hardship/<int:pk>/evidence/", evidence_views.hardship_evidence_upload, name="hardship_evidence_upload"),
    path("assistance/<int:pk>/evidence/", evidence_views.assistance_evidence_upload,
         name="assistance_evidence_upload"),
    path("visits/<int:pk>/evidence/", evidence_views.visit_evidence_upload, name="visit_evidence_upload"),
    path("evidence/<int:pk>/", evidence_views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/remove/", evidence_views.evidence_delete, name="evidence_delete"),
]
