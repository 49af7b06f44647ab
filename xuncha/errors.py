"""The refusal every layer shares: a rule of the work said no, in words the user reads.

At the bottom of the layers (below `xuncha.access`, whose `Forbidden` is one), so that any module may
raise it and any view may show it."""


class DomainError(Exception):
    """A rule of the inspection work refused an action. The message is shown to the user as is."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        self.reasons = list(reasons or [])
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0])

    def full_message(self) -> str:
        if not self.reasons:
            return self.message
        return self.message + "：" + "；".join(self.reasons)
