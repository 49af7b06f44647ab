"""The daily reminder digest (to be written)."""


def rectification_reminder_sweep(today=None) -> int:
    raise NotImplementedError
