"""The filter bars of the to-do lists across rectifications (整改待办: measures and reports), opened from
the workbench's queues (`rectification.selectors.queues`)."""

import django_filters
from django.db.models import Q

from rectification.models import Measure, Report
from rectification.selectors.queues import MEASURE_QUEUES, REPORT_QUEUES
from xuncha.core.filters import ListFilter


class _QueueFilter(ListFilter):
    """`queue` names the to-do (always one: the selector narrows by it, with the user); `q` searches the
    unit's name."""

    placeholders = {"q": "被巡察单位名称"}
    QUEUES: dict[str, str] = {}

    q = django_filters.CharFilter(label="被巡察单位", max_length=100, method="search")

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(rectification__unit__name__icontains=value) if value else queryset

    def by_selector(self, queryset, name, value):
        return queryset  # the queue depends on the user: the view asks the selector for it

    def queue_name(self) -> str:
        """The queue chosen, or the first one."""
        chosen = self.chosen().get("queue")
        return chosen if chosen in self.QUEUES else next(iter(self.QUEUES))


class MeasureQueueFilter(_QueueFilter):
    QUEUES = MEASURE_QUEUES
    queue = django_filters.ChoiceFilter(
        label="待办", choices=list(MEASURE_QUEUES.items()), empty_label=None, method="by_selector"
    )

    class Meta:
        model = Measure
        fields = ["queue", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(rectification__unit__name__icontains=value) | Q(content__icontains=value))


class ReportQueueFilter(_QueueFilter):
    QUEUES = REPORT_QUEUES
    queue = django_filters.ChoiceFilter(
        label="待办", choices=list(REPORT_QUEUES.items()), empty_label=None, method="by_selector"
    )

    class Meta:
        model = Report
        fields = ["queue", "q"]
