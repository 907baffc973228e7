from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.orgs.selectors import get_node_for_user, user_home_nodes

from . import services
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    homes = user_home_nodes(request.user)
    current_id = request.session.get("current_node_id")
    current = next((node for node in homes if node.pk == current_id), homes[0] if homes else None)
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
    if not translation.check_for_language(language) or language not in {"zh-hans", "en"}:
        language = "zh-hans"
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    messages.success(request, _("Language changed."))
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie("django_language", language, samesite="Lax", httponly=True)
    return response
