from django.urls import path

from . import views

# Included in the "members" namespace by members/urls.py (so under /members/women/...).
urlpatterns: list = [
    path("women/<int:pk>/", views.women_list, name="women_list"),
    path("women/member/<int:pk>/", views.women_record, name="women_record"),
    path("women/member/<int:pk>/edit/", views.women_record_edit, name="women_record_edit"),
    path("women/member/<int:pk>/check/", views.women_check_record, name="women_check_record"),
]
