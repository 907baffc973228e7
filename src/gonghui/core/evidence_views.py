"""The two answers every record's evidence pages give (activities, care records, plan items, indicators): an
upload form posted, and a file removed. The record's own view reaches the record through its access helper
and passes the write (its domain's service, which checks and logs the file) and the page to return to."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .forms import EvidenceForm
from .models import Attachment


def uploaded(request: HttpRequest, *, add: Callable[[dict], Attachment], next_url: str,
             form_class: type[forms.Form] = EvidenceForm) -> HttpResponse:
    """Keep the posted file with `add(cleaned form data)`; the outcome, or what is wrong, as a message on the
    record's page."""
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload.") if "file" in form.errors else
                       "；".join(error for errors in form.errors.values() for error in errors))
    else:
        try:
            attachment = add(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": attachment.original_name})
    return redirect(next_url)


def removed(request: HttpRequest, *, attachment: Attachment, delete: Callable[[], None],
            next_url: str) -> HttpResponse:
    delete()
    messages.success(request, _("%(name)s was removed.") % {"name": attachment.original_name})
    return redirect(next_url)
