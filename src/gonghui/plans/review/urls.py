from django.urls import path

from . import views

urlpatterns = [
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("summaries/<int:pk>/review/", views.summary_review, name="summary_review"),
    path("nodes/<int:pk>/submissions/", views.submissions, name="submissions"),
]
