from django.urls import path

from . import views

urlpatterns = [
    path("node/<int:pk>/assessments/", views.scheme_list, name="scheme_list"),
    path("node/<int:pk>/assessments/new/", views.scheme_create, name="scheme_create"),
    path("assessments/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("assessments/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("assessments/<int:pk>/delete/", views.scheme_delete, name="scheme_delete"),
    path("assessments/<int:pk>/scores/", views.scheme_scores, name="scheme_scores"),
    path("assessments/<int:pk>/xlsx/", views.scheme_xlsx, name="scheme_xlsx"),
    path("assessments/<int:pk>/criteria/new/", views.criterion_create, name="criterion_create"),
    path("assessment-criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("assessment-criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
