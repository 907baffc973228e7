from .assistance import urls as assistance_urls
from .campaigns import urls as campaign_urls
from .hardship import urls as hardship_urls
from .visits import urls as visit_urls

app_name = "care"

urlpatterns = [
    *hardship_urls.urlpatterns,
    *assistance_urls.urlpatterns,
    *visit_urls.urlpatterns,
    *campaign_urls.urlpatterns,
]
