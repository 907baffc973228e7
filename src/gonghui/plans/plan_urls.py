"""URLs of the plan pages (included in plans/urls.py, namespace "plans")."""

from django.urls import path

from . import views

urlpatterns = [
    path("nodes/<int:pk>/", views.plan_list, name="plan_list"),
    path("nodes/<int:pk>/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/calendar/", views.plan_calendar, name="plan_calendar"),
    path("<int:pk>/suggestions/", views.plan_suggestions, name="plan_suggestions"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
]
