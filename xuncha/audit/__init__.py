"""The security audit log (安全审计): `from xuncha.audit.log import EventKind, record`."""
