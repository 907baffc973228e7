from django.urls import path

from . import views

urlpatterns = [
    path("items/<int:pk>/ledger/", views.item_evidence, name="item_evidence"),
    path("items/<int:pk>/ledger/attach/", views.link_add, name="link_add"),
    path("item-links/<int:pk>/remove/", views.link_remove, name="link_remove"),
    path("items/<int:pk>/files/", views.item_file_upload, name="item_file_upload"),
    path("item-files/<int:pk>/", views.item_file, name="item_file"),
    path("item-files/<int:pk>/remove/", views.item_file_delete, name="item_file_delete"),
]
