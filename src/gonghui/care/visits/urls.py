from django.urls import path

from . import views

urlpatterns = [
    path("nodes/<int:pk>/visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("nodes/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("nodes/<int:pk>/visits/due/", views.visit_due, name="visit_due"),
    path("nodes/<int:pk>/visits/notices/new/", views.notice_create, name="notice_create"),
    path("nodes/<int:pk>/visits/ledger/", views.visit_ledger, name="visit_ledger"),
]
