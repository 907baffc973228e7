"""Summary pages (工作总结), in the "plans" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("nodes/<int:pk>/summaries/", views.summary_list, name="summary_list"),
    path("nodes/<int:pk>/summaries/new/", views.summary_create, name="summary_create"),
    path("nodes/<int:pk>/summaries/draft.docx", views.summary_draft_export, name="summary_draft_export"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/edit/", views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/section/", views.summary_section, name="summary_section"),
    path("summaries/<int:pk>/redraft/", views.summary_redraft, name="summary_redraft"),
    path("summaries/<int:pk>/export.docx", views.summary_export, name="summary_export"),
]
