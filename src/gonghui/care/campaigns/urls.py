from django.urls import path

from . import views

urlpatterns = [
    path("nodes/<int:pk>/campaigns/", views.campaign_list, name="campaign_list"),
    path("nodes/<int:pk>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/select/", views.campaign_select, name="campaign_select"),
    path("campaigns/<int:pk>/donations/new/", views.donation_create, name="donation_create"),
    path("campaign-recipients/<int:pk>/give/", views.recipient_give, name="recipient_give"),
]
