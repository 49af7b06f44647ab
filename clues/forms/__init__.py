"""The clues app's forms, and the list filters as django-filter FilterSets (`ListFilter`)."""

import django_filters
from django_filters.constants import EMPTY_VALUES


class ListFilter(django_filters.FilterSet):
    """A list's filters: its filter bar (`.form`, GET parameters named as the filters) and the
    filtering itself, which the list's selector applies to the queryset `xuncha.access` gives.

    `chosen()` is what a view keys its caches and headings by: the valid, non-empty values; an
    invalid one (a stale link) is ignored, not the others. `apply(queryset, values)` filters by such
    values (the selectors take them as keyword arguments, so a test or a task can call them too)."""

    def get_form_class(self):
        form = super().get_form_class()
        # The generated form is named after the FilterSet; its module too, so that the option caches
        # (xuncha.core.forms.cache_model_choices) of two apps' filters never share a key.
        form.__module__ = type(self).__module__
        return form

    def chosen(self) -> dict:
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {k: v for k, v in self.form.cleaned_data.items() if v}

    @classmethod
    def apply(cls, queryset, values: dict, **init):
        """The queryset filtered by these values (empty ones ignored), filter by filter."""
        filterset = cls(queryset=queryset, **init)
        for name, value in values.items():
            if value in EMPTY_VALUES or value is False:
                continue
            queryset = filterset.filters[name].filter(queryset, value)
        return queryset
