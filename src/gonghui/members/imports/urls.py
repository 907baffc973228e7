from django.urls import path

from . import views

urlpatterns: list = [
    path("imports/<int:pk>/new/", views.import_start, name="import_start"),
    path("imports/job/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/job/<int:pk>/run/", views.import_run, name="import_run"),
    path("imports/job/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
