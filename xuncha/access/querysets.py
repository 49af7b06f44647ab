"""`Model.objects.restrict(user, action)`: the access scope as a queryset method (NetBox's pattern).

A model opts in with ``objects = RestrictedManager()`` (or its queryset class in `from_queryset`)."""

from django.db import models

from xuncha import access


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return access.restrict(user, self, action)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass
