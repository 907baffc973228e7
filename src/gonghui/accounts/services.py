"""Writes to accounts: users and their role assignments, each in the audit log."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OrgNode

from . import policy
from .models import RoleAssignment, User


@transaction.atomic
def user_create(*, actor, username: str, password: str, org_path: str, full_name: str = "",
                language: str = "zh-hans", check_password: bool = True) -> User:
    """Create an account; `org_path` is the node it is created for, where its creation is logged."""
    user = User(username=username, full_name=full_name, language=language)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=user, org_path=org_path,
                 after={"username": user.username, "full_name": user.full_name, "language": user.language})
    return user


@transaction.atomic
def role_grant(*, actor, user: User, node: OrgNode, role: str) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, node=node, role=role, defaults={"granted_by": actor if getattr(actor, "pk", None) else None}
    )
    if created:
        audit.record(actor=actor, action=AuditEntry.Action.GRANT, instance=assignment, org_path=node.path,
                     after={"user": user.username, "role": assignment.get_role_display(), "node": node.name})
    policy.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    audit.record(actor=actor, action=AuditEntry.Action.REVOKE, instance=assignment,
                 org_path=assignment.node.path,
                 before={"user": assignment.user.username, "role": assignment.get_role_display(),
                         "node": assignment.node.name})
    user = assignment.user
    assignment.delete()
    policy.forget(user)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """A personal preference, not union data: validated against LANGUAGES and not audited."""
    if language not in dict(User._meta.get_field("language").choices):
        raise ValueError(f"unknown language {language!r}")
    user.language = language
    user.save(update_fields=["language"])
