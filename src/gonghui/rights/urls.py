from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("nodes/<int:pk>/contracts/", views.contract_list, name="contract_list"),
    path("nodes/<int:pk>/contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/delete/", views.contract_delete, name="contract_delete"),
]
