"""The security audit log (安全审计日志): read by the 安全审计员 alone; nobody edits it (the log is
append-only, written by `xuncha.audit.log.record`)."""

from ..registry import page, rule, scope
from ..roles import is_auditor


@page("audit.view_log", "audit.export_log", "nav.audit_log")
def view_log(user) -> bool:
    return is_auditor(user)


@scope("audit.securityevent")
def security_events(user, qs):
    return qs if is_auditor(user) else qs.none()


@rule("audit.securityevent", "change", "delete")
def change_event(user, event) -> bool:
    return False
