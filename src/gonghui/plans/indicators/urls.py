"""URLs of a plan's indicators (included in plans/urls.py, namespace "plans")."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/indicators/", views.indicator_panel, name="indicator_panel"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/remove/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/record/", views.indicator_record, name="indicator_record"),
    path("indicators/<int:pk>/evidence/", views.indicator_evidence_upload, name="indicator_evidence_upload"),
    path("indicators/evidence/<int:pk>/", views.indicator_evidence_file, name="indicator_evidence_file"),
    path("indicators/evidence/<int:pk>/remove/", views.indicator_evidence_delete, name="indicator_evidence_delete"),
]
