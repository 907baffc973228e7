from .honours import urls as honour_urls

app_name = "activities"

urlpatterns: list = [
    *honour_urls.urlpatterns,
]
