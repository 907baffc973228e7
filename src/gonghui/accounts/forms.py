from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class GrantRoleForm(forms.Form):
    """Grant a role on a node of the manager's subtree, to an existing account or a new one."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=64, required=False,
                                help_text=_("Needed only for a new account."))
    password = forms.CharField(label=_("Initial password"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Needed only for a new account; at least 10 characters, not only digits."))
    role = forms.ChoiceField(label=_("Account role"), choices=Role.choices)

    def __init__(self, *args, user, node, **kwargs):
        from gonghui.orgs.forms import NodeCodeField
        from gonghui.orgs.models import Level

        super().__init__(*args, **kwargs)
        self.manager = user
        self.fields["node"] = NodeCodeField(user=user, permission="accounts.manage", levels=set(Level.values),
                                            label=_("On organisation (code)"), initial=node.code)

    def clean(self):
        data = super().clean()
        username = data.get("username", "").strip()
        self.existing_user = User.objects.filter(username=username).first() if username else None
        if self.existing_user is not None:
            from . import policy

            paths = list(self.existing_user.assignments.values_list("node__path", flat=True))
            if paths and not any(policy.has_perm(self.manager, "accounts.manage", path) for path in paths):
                # Do not attach roles to (or reveal the holder of) an account another federation manages.
                self.add_error("username", _("This username is taken by an account outside your organisations; "
                                             "choose another username."))
                self.existing_user = None
                return data
        if username and self.existing_user is None:
            if not data.get("full_name"):
                self.add_error("full_name", _("Enter the name of the new account's holder."))
            if not data.get("password"):
                self.add_error("password", _("Enter an initial password for the new account."))
            else:
                try:
                    validate_password(data["password"], User(username=username, full_name=data.get("full_name", "")))
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return data
