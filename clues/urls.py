"""Each views module of the clues app declares its own urlpatterns; they are joined here."""

from .views import findings, intake, public, transfers

app_name = "clues"
urlpatterns = [
    *intake.urlpatterns,
    *public.urlpatterns,
    *findings.urlpatterns,
    *transfers.urlpatterns,
]
