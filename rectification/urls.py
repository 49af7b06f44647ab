"""Each views module of the rectification app declares its own urlpatterns; they are joined here."""

from .views import closing, feedback, lookback, plan, public, reports

app_name = "rectification"
urlpatterns = [
    *feedback.urlpatterns,
    *plan.urlpatterns,
    *reports.urlpatterns,
    *closing.urlpatterns,
    *lookback.urlpatterns,
    *public.urlpatterns,
]
