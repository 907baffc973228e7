from django.urls import path

from . import views

# Included in the "activities" namespace by activities/urls.py.
urlpatterns: list = [
    path("honours/node/<int:pk>/", views.honour_list, name="honour_list"),
    path("honours/node/<int:pk>/nominate/", views.honour_nominate, name="honour_nominate"),
    path("honours/node/<int:pk>/roll/", views.honour_roll, name="honour_roll"),
    path("honours/<int:pk>/", views.honour_detail, name="honour_detail"),
    path("honours/<int:pk>/decide/", views.honour_decide, name="honour_decide"),
    path("honours/<int:pk>/withdraw/", views.honour_withdraw, name="honour_withdraw"),
    path("honours/member/<int:pk>/", views.member_honours, name="member_honours"),
]
