from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", success_url="/"), name="password_change"),
    path("switch/", views.switch_node, name="switch_node"),
    path("language/", views.set_language, name="set_language"),
    path("roles/<int:pk>/", views.role_list, name="role_list"),
    path("roles/assignment/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
