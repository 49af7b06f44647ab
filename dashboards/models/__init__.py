"""The dashboards' tables: only the quality evaluation stores anything (the figures are computed)."""

from .quality import QualitySettings, ScoreSource, TeamScore

__all__ = ["QualitySettings", "ScoreSource", "TeamScore"]
