"""The base of every list's filters: a django-filter `FilterSet` over the GET parameters.

A list page builds its filter from `request.GET`, renders `filter.form` in the filter bar
(`templates/partials/filter_bar.html`) and hands the valid values to its selector, which applies them to
the queryset `xuncha.access` gives. A value that does not validate (a stale link) is ignored, not the
others: the way the hand-written filter forms behaved.
"""

import copy

import django_filters
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES

from .forms import blank_label, style_fields


class ListFilter(django_filters.FilterSet):
    # Bootstrap classes on the widgets: "sm" for the compact filter bar, "" for the full size, None
    # where the subclass styles its widgets itself.
    widget_style: str | None = "sm"
    placeholders: dict[str, str] = {}  # field name → the hint in its box

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's BaseFilterSet.__init__, but each filter copied shallowly (its `extra` too)
        # instead of deep-copying them all: the deep copy walked every choice list and queryset of the
        # filters, about 1.5 ms a list page (cProfile of the lead list at the benchmark's L volume).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            if base.method is not None:
                filter_.method = base.method  # a FilterMethod bound to this copy, not to the base filter
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_
        if self.widget_style is not None:
            style_fields(self.form.fields, small=self.widget_style == "sm")
        for field in self.form.fields.values():
            blank_label(field, "全部")
        for name, text in self.placeholders.items():
            if name in self.form.fields:
                self.form.fields[name].widget.attrs["placeholder"] = text

    def get_form_class(self):
        form = super().get_form_class()
        # The generated form is named after the FilterSet; its module too, so that the option caches
        # (xuncha.core.forms.cache_model_choices) of two apps' filters never share a key.
        form.__module__ = type(self).__module__
        return form

    def chosen(self) -> dict:
        """The valid, non-empty values: what a view keys its caches and headings by."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    @property
    def filtered(self) -> bool:
        """Whether any filter was given (the bar then offers 重置, and an empty list says so)."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def narrow(self, queryset):
        """The queryset narrowed by the valid filters."""
        if not self.is_bound:
            return queryset
        self.form.is_valid()
        return self.filter_queryset(queryset)

    @classmethod
    def apply(cls, queryset, values: dict, **init):
        """The queryset filtered by these values (empty ones ignored), filter by filter: for selectors
        that take the values as keyword arguments (so that a test or a task calls them too)."""
        filters = cls._filters_for(**init)
        for name, value in values.items():
            if value in EMPTY_VALUES or value is False:
                continue
            queryset = filters[name].filter(queryset, value)
        return queryset

    @classmethod
    def _filters_for(cls, **init) -> dict:
        # A FilterSet deep-copies every filter when it is made (about 2 ms a page at the benchmark's L);
        # filtering reads them only, so one set per class and init arguments serves every request.
        key = (cls, tuple(sorted(init.items())))
        filters = _FILTERS.get(key)
        if filters is None:
            filters = _FILTERS[key] = cls(**init).filters
        return filters


_FILTERS: dict[tuple, dict] = {}
