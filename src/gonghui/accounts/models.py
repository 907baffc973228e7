from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see and do comes only from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", _("Federation admin")
    UNION_CHAIR = "union_chair", _("Union chair")
    UNION_OFFICER = "union_officer", _("Union officer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    AUDIT_OFFICER = "audit_officer", _("Audit officer")
    WOMEN_OFFICER = "women_officer", _("Women's officer")
    GROUP_LEADER = "group_leader", _("Group leader")
    READONLY_LEADER = "readonly_leader", _("Read-only leader")
    MEMBER = "member", _("Member")


class RoleAssignment(models.Model):
    """A role granted on an org node; it holds for the node's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    node = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("org node"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "node", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node}"
