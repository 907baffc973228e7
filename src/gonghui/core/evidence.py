"""Evidence kept with a record (issue 4: "every record carries its evidence"): photos and documents as
`core.Attachment` rows, checked, stored, logged and served the same way for every domain.

A domain reaches the owning record through its own access helper first, then calls these: `evidence_add()`
checks the file (size: `GONGHUI_RULES["ATTACHMENT_MAX_MB"]`; type: by its name and its first bytes, so a
renamed program is refused) and writes the attachment with an audit entry; `evidence_file()` answers the
download (photos and PDFs inline, anything else as a download, never sniffed by the browser). Files live
under MEDIA_ROOT, which no URL serves.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from . import audit
from .models import Attachment, AttachmentKind, AuditEntry

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".webp": "image/webp"}
DOCUMENT_TYPES = {".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".txt": "text/plain"}
# the first bytes each kind of file starts with (an extension alone is not trusted)
_MAGIC = {".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
          ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".pdf": (b"%PDF",),
          ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0",),
          ".xls": (b"\xd0\xcf\x11\xe0",)}


def max_attachment_bytes() -> int:
    return int(settings.GONGHUI_RULES.get("ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def check_upload(upload) -> str:
    """The attachment kind of an uploaded file (photo or document), or a ValidationError in plain words."""
    suffix = Path(upload.name or "").suffix.lower()
    limit = max_attachment_bytes()
    if upload.size > limit:
        raise ValidationError({"file": _("%(name)s is %(size).1f MB; files may be at most %(limit)d MB.")
                               % {"name": upload.name, "size": upload.size / 1024 / 1024,
                                  "limit": limit // 1024 // 1024}})
    if suffix not in PHOTO_TYPES and suffix not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("%(name)s is not a photo (JPG, PNG, GIF, WebP) or a document (PDF, Word, "
                                         "Excel, text).") % {"name": upload.name}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if suffix in _MAGIC and not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise ValidationError({"file": _("%(name)s is not really a %(type)s file: its contents do not match its "
                                         "name.") % {"name": upload.name, "type": suffix[1:].upper()}})
    return AttachmentKind.PHOTO if suffix in PHOTO_TYPES else AttachmentKind.DOCUMENT


def evidence_of(instance: models.Model) -> list[Attachment]:
    return list(Attachment.objects.filter(content_type=ContentType.objects.get_for_model(type(instance)),
                                          object_id=instance.pk).select_related("uploaded_by"))


def attachment_of(model: type[models.Model], pk: int) -> Attachment:
    """An attachment of a record of `model` (the caller then checks access to that record), or 404."""
    attachment = Attachment.objects.filter(pk=pk, content_type=ContentType.objects.get_for_model(model)).first()
    if attachment is None:
        raise Http404
    return attachment


@transaction.atomic
def evidence_add(*, actor, instance: models.Model, path: str, upload, caption: str = "",
                 taken_on=None) -> Attachment:
    """Keep an uploaded photo or document with `instance` (whose org path is `path`); `taken_on` is the day of
    what it shows, when that is not the day of the upload."""
    kind = check_upload(upload)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=instance.pk, path=path,
        kind=kind, original_name=Path(upload.name).name[:255], size=upload.size, caption=caption[:200],
        taken_on=taken_on, uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(Path(upload.name).name, upload, save=False)
    attachment.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=attachment, org_path=path,
                 after={str(instance._meta.verbose_name): str(instance), "original_name": attachment.original_name,
                        "kind": attachment.kind, "caption": caption,
                        **({"taken_on": str(taken_on)} if taken_on else {})})
    return attachment


@transaction.atomic
def evidence_delete(*, actor, attachment: Attachment) -> None:
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=attachment, org_path=attachment.path,
                 before={"original_name": attachment.original_name, "kind": attachment.kind,
                         "caption": attachment.caption})
    file = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name) if file.name else None)


def evidence_file(attachment: Attachment) -> FileResponse:
    """The attachment's file as a response, for a user the caller has let see its record."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(attachment.original_name)[0] or "application/octet-stream"
    inline = attachment.kind == AttachmentKind.PHOTO or content_type == "application/pdf"
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
