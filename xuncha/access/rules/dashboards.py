"""The leadership dashboards, quality evaluation and common-problem analysis."""
