"""Each views module of the rounds app declares its own urlpatterns; they are joined here."""

from .views import assignments, public, rounds, terms, units

app_name = "rounds"
urlpatterns = [
    *units.urlpatterns,
    *terms.urlpatterns,
    *rounds.urlpatterns,
    *assignments.urlpatterns,
    *public.urlpatterns,
]
