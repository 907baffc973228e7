from django.urls import path

from . import ledger_views

# Included in the "activities" namespace by activities/urls.py.
urlpatterns: list = [
    path("ledger/<int:pk>/", ledger_views.activity_ledger_page, name="activity_ledger"),
    path("ledger/<int:pk>/xlsx/", ledger_views.activity_ledger_xlsx, name="activity_ledger_xlsx"),
]
