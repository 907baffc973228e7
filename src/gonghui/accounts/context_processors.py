from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.selectors import current_home, user_home_nodes

from . import policy


def shell(request):
    """What the layout needs on every page: the navigation by domain and the org switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    homes = user_home_nodes(user)
    current = current_home(homes, request.session.get("current_node_id"))
    nav = []
    if current is not None:
        nav.append({"key": "orgs", "label": _("Organisations"), "icon": "diagram-3",
                    "url": reverse("orgs:node_detail", args=[current.pk])})
        if policy.has_perm(user, "members.view", current.path):
            nav.append({"key": "members", "label": _("Members"), "icon": "people",
                        "url": reverse("members:member_list", args=[current.pk])})
        if policy.has_perm(user, "units.view", current.path):
            nav.append({"key": "units", "label": _("Units"), "icon": "building",
                        "url": reverse("orgs:unit_list", args=[current.pk])})
        if policy.has_perm(user, "activities.view", current.path):
            nav.append({"key": "activities", "label": _("Activities"), "icon": "calendar-event",
                        "url": reverse("activities:activity_list", args=[current.pk])})
        if policy.has_perm(user, "care.view", current.path):
            nav.append({"key": "care", "label": _("Care"), "icon": "heart",
                        "url": reverse("care:care_home", args=[current.pk])})
        if policy.has_perm(user, "plans.view", current.path):
            nav.append({"key": "plans", "label": _("Plans"), "icon": "clipboard-check",
                        "url": reverse("plans:plan_list", args=[current.pk])})
        if policy.has_perm(user, "rights.view", current.path):
            nav.append({"key": "rights", "label": _("Collective contracts"), "icon": "file-earmark-text",
                        "url": reverse("rights:contract_list", args=[current.pk])})
    if not any(item["key"] == "activities" for item in nav) and hasattr(user, "member"):
        # a plain member: the activities open to them and their own sign-ups
        nav.append({"key": "activities", "label": _("Activities"), "icon": "calendar-event",
                    "url": reverse("activities:my_activities")})
    if not any(item["key"] == "care" for item in nav) and hasattr(user, "member"):
        # a plain member: their own assistance, to confirm what they received
        nav.append({"key": "care", "label": _("My assistance"), "icon": "heart",
                    "url": reverse("care:my_assistance")})
    if policy.scope_paths(user, "audit.view") or user.is_superuser:
        nav.append({"key": "audit", "label": _("Audit log"), "icon": "journal-text", "url": reverse("audit_log")})
    roles = sorted({g.role for g in policy.grants(user) if current and g.node_id == current.pk})
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if match and match.namespace == "members":
        active = "members"
    elif match and match.namespace == "activities":
        active = "activities"
    elif match and match.namespace == "care":
        active = "care"
    elif match and match.namespace == "plans":
        active = "plans"
    elif match and match.namespace == "rights":
        active = "rights"
    else:
        active = "audit" if name == "audit_log" else "units" if name and name.startswith("unit") else "orgs"
    return {"shell_nav": nav, "shell_homes": homes, "shell_current": current, "shell_roles": roles,
            "nav_active": active}
