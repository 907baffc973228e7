from django.urls import include, path

from gonghui.accounts import views as account_views
from gonghui.core import health
from gonghui.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("activities/", include("gonghui.activities.urls")),
    path("care/", include("gonghui.care.urls")),
    path("plans/", include("gonghui.plans.urls")),
    path("rights/", include("gonghui.rights.urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("health/", health.health, name="health"),
]

handler500 = "gonghui.core.middleware.server_error"
