"""What every list filter of the app shares: a django-filter `FilterSet` over the GET parameters, styled
for the compact filter bar (`templates/partials/filter_bar.html`), applied by a selector to the queryset
the access layer gives. A value that does not validate (a stale link) is ignored, not the others."""

import django_filters
from django.db.models import QuerySet

from xuncha.core.forms import style_fields


class ListFilter(django_filters.FilterSet):
    placeholder = ""  # the search box's hint

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data or None, *args, **kwargs)
        style_fields(self.form.fields, small=True)
        if self.placeholder and "q" in self.form.fields:
            self.form.fields["q"].widget.attrs["placeholder"] = self.placeholder

    @property
    def values(self) -> dict:
        """The valid, non-empty filters (for a cache key, and to tell a filtered list)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset narrowed by the valid filters."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        return self.filter_queryset(queryset)
