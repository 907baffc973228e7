from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.members.models import Member
from gonghui.orgs.selectors import breadcrumbs, current_home, get_node_for_user, user_home_nodes

from . import policy, selectors, services
from .forms import GrantRoleForm, LoginForm
from .middleware import LANGUAGE_COOKIE
from .models import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    current = current_home(user_home_nodes(request.user), request.session.get("current_node_id"))
    own = Member.objects.filter(user=request.user).only("id").first()
    if own is not None and not policy.scope_paths(request.user, "members.view"):
        # a plain member starts from their own membership record and card
        return redirect("members:member_detail", pk=own.pk)
    if current is None:
        return render(request, "accounts/no_roles.html")
    return redirect("orgs:node_detail", pk=current.pk)


@login_required
@require_POST
def switch_node(request: HttpRequest) -> HttpResponse:
    """The org switcher: choose which of one's own nodes the navigation starts from."""
    try:
        pk = int(request.POST.get("node", ""))
    except ValueError:
        pk = 0
    node = get_node_for_user(request.user, pk)
    if any(node.pk == home.pk for home in user_home_nodes(request.user)):
        request.session["current_node_id"] = node.pk
    return redirect("orgs:node_detail", pk=node.pk)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = "zh-hans"
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    messages.success(request, _("Language changed."))
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Accounts and roles on a node and below: list, grant (to an existing or a new account), revoke."""
    node = get_node_for_user(request.user, pk, "accounts.manage")
    form = GrantRoleForm(request.POST or None, user=request.user, node=node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                account = form.existing_user or services.user_create(
                    actor=request.user, username=data["username"].strip(), password=data["password"],
                    full_name=data["full_name"], org_path=data["node"].path)
                services.role_grant(actor=request.user, user=account, node=data["node"], role=data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(user)s is now %(role)s at %(node)s.") % {
                "user": account.get_full_name(), "role": Role(data["role"]).label, "node": data["node"].name})
            return redirect("accounts:role_list", pk=node.pk)
    search, role = request.GET.get("q", "").strip(), request.GET.get("role", "")
    page = Paginator(selectors.assignments_under(request.user, node, search=search, role=role), 50).get_page(
        request.GET.get("page"))
    return render(request, "accounts/role_list.html", {
        "node": node, "form": form, "page": page, "search": search, "role": role, "roles": Role.choices,
        "crumbs": breadcrumbs(request.user, node),
    })


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for_user(request.user, pk)
    back = request.POST.get("node")
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("%(user)s is no longer %(role)s at %(node)s.") % {
        "user": assignment.user.get_full_name(), "role": assignment.get_role_display(), "node": assignment.node.name})
    if back and back.isdigit():
        return redirect("accounts:role_list", pk=int(back))
    return redirect("accounts:role_list", pk=assignment.node_id)
