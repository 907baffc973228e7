from django.urls import path

from . import views

# Included in the "care" namespace by care/urls.py.
urlpatterns: list = [
    path("<int:pk>/assistance/", views.assistance_list, name="assistance_list"),
    path("<int:pk>/assistance/new/", views.assistance_create, name="assistance_create"),
    path("<int:pk>/assistance/ledger/", views.assistance_ledger, name="assistance_ledger"),
    path("assistance/<int:pk>/", views.assistance_detail, name="assistance_detail"),
    path("assistance/<int:pk>/step/", views.assistance_action, name="assistance_action"),
    path("assistance/<int:pk>/confirm/", views.assistance_confirm, name="assistance_confirm"),
    path("mine/", views.my_assistance, name="my_assistance"),
]
