"""The reminders sent, one row per recipient and item."""

from django.conf import settings
from django.db import models


class ReminderLog(models.Model):
    """One reminder item sent to one person (in that day's digest). Unique, so no item goes twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    day = models.DateField()
    notification = models.ForeignKey(
        "notifications.Notification", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="reminder_item_once")]

    def __str__(self):
        return self.key
