"""URLs of plans, summaries and assessments (namespace "plans"). Each part keeps its own module."""

from . import plan_urls
from .assessment import urls as assessment_urls
from .indicators import urls as indicator_urls
from .links import urls as link_urls
from .review import urls as review_urls
from .summary import urls as summary_urls

app_name = "plans"

urlpatterns: list = [
    *assessment_urls.urlpatterns,
    *indicator_urls.urlpatterns,
    *link_urls.urlpatterns,
    *review_urls.urlpatterns,
    *summary_urls.urlpatterns,
    *plan_urls.urlpatterns,
]
