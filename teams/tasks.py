"""Celery tasks of the cadre pool and teams (none yet: every write is a request's)."""
