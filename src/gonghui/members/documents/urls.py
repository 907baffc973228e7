from django.urls import path

from . import views

urlpatterns: list = [
    path("export/<int:pk>/", views.member_export, name="member_export"),
    path("cards/<int:pk>/", views.member_card, name="member_card"),
    path("cards/sheet/<int:pk>/", views.card_sheet, name="card_sheet"),
    # public: the address in a card's QR code
    path("verify/<str:token>/", views.card_verify, name="card_verify"),
]
