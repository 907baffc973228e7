"""URLs of plans, summaries and assessments (namespace "plans"). Each part keeps its own module."""

app_name = "plans"

urlpatterns: list = []
