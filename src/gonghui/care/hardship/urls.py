from django.urls import path

from . import views

# Included in the "care" namespace by care/urls.py.
urlpatterns: list = [
    path("<int:pk>/", views.care_home, name="care_home"),
    path("<int:pk>/standards/", views.standard_list, name="standard_list"),
    path("<int:pk>/budgets/", views.budget_list, name="budget_list"),
    path("<int:pk>/hardship/", views.hardship_list, name="hardship_list"),
    path("<int:pk>/hardship/new/", views.hardship_create, name="hardship_create"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/edit/", views.hardship_edit, name="hardship_edit"),
    path("hardship/<int:pk>/step/", views.hardship_action, name="hardship_action"),
    path("hardship/<int:pk>/review/", views.hardship_review, name="hardship_review"),
    path("hardship/<int:pk>/reveal/", views.hardship_reveal, name="hardship_reveal"),
]
