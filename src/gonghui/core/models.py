from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import PathField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write: who, when, which object, which fields before → after (DESIGN.md, Access).

    `org_path` is the materialised path of the org node the object belongs to, copied at write time, so
    a federation admin's log is a prefix query on one indexed column.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        MOVE = "move", _("Moved")
        GRANT = "grant", _("Role granted")
        REVOKE = "revoke", _("Role revoked")
        MEMBERSHIP = "membership", _("Membership changed")
        REVEAL = "reveal", _("Sensitive data revealed")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name at the time)"), max_length=150, blank=True,
                                  help_text=_("Empty for writes made by the system (demo data, commands)."))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    org_path = PathField(_("org path"), max_length=255, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class Attachment(models.Model):
    """Evidence kept with a record: the photos of an activity, the receipt of a payment, the signed list of a
    visit. It belongs to one record (`content_type`, `object_id`) and carries that record's org path, so it is
    seen by exactly those who see the record; files are served only through a view that checks this (they are
    not under a public URL). Plans (issue 5) gather these as the evidence of their items."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record id"))
    path = PathField(_("org path"), max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # the day of what the file shows (a meeting's minutes, a report sent), when it was uploaded later
    taken_on = models.DateField(_("date of the work shown"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_object_idx")]

    def __str__(self) -> str:
        return self.original_name


class WorkerHeartbeat(models.Model):
    """A running `gonghui worker` (core/worker.py): written when it starts and every few seconds while it runs,
    deleted when it stops cleanly. A task RUNNING on a worker without a fresh heartbeat was interrupted."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queues = models.CharField(_("queues"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)
    task_id = models.CharField(_("task being run"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
