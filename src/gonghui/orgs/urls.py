from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("picker/", views.node_picker, name="node_picker"),
    path("<int:pk>/", views.node_detail, name="node_detail"),
    path("<int:pk>/stats/", views.node_stats, name="node_stats"),
    path("<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/move/", views.node_move, name="node_move"),
    path("<int:pk>/children/new/", views.node_create, name="node_create"),
    path("<int:pk>/units/", views.unit_list, name="unit_list"),
    path("<int:pk>/units/new/", views.unit_create, name="unit_create"),
    path("<int:pk>/officers/new/", views.officer_create, name="officer_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/delete/", views.officer_delete, name="officer_delete"),
]
