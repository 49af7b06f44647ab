"""The rules, one module per app. Importing this package registers them all."""

from . import accounts, archive, audit, clues, core, dashboards, rectification, rounds, teams  # noqa: F401
