"""Each views module of the dashboards app declares its own urlpatterns; they are joined here."""

from .views import common_problems, figures, quality

app_name = "dashboards"
urlpatterns = [
    *figures.urlpatterns,
    *quality.urlpatterns,
    *common_problems.urlpatterns,
]
