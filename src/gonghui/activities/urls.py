from django.urls import path

from . import ledger_urls, views
from .honours import urls as honour_urls

app_name = "activities"

urlpatterns: list = [
    path("mine/", views.my_activities, name="my_activities"),
    path("node/<int:pk>/", views.activity_list, name="activity_list"),
    path("node/<int:pk>/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/status/", views.activity_status, name="activity_status"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/signup/", views.activity_signup, name="activity_signup"),
    path("<int:pk>/list/", views.activity_roster, name="activity_roster"),
    path("<int:pk>/list/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/list/update/", views.participant_update, name="participant_update"),
    path("<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("<int:pk>/checkin/", views.activity_checkin, name="activity_checkin"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/results/rank/", views.entry_rank, name="entry_rank"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("member/<int:pk>/", views.member_activities, name="member_activities"),
    *honour_urls.urlpatterns,
    *ledger_urls.urlpatterns,
]
