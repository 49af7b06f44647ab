"""The clues app's forms, and the list filters as django-filter FilterSets (`ListFilter`, on
`xuncha.core.filters`)."""

from xuncha.core.filters import ListFilter as CoreListFilter


class ListFilter(CoreListFilter):
    """The clues lists style their filter widgets themselves (their bars have their own markup)."""

    widget_style = None

