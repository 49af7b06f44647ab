"""Feedback (反馈) and rectification (整改) of one inspected unit, under the "三双" rule.

One `Rectification` per assignment (a unit in a round) carries the whole after-inspection life:

    反馈准备 (the office assembles the report and the feedback from the approved findings)
      → 反馈会 recorded: the unit now sees its feedback (the `Problem` rows, never the team's findings)
      → 制定方案 (the unit drafts `Measure`s per problem; 双承诺 signed by the principal)
      → 方案待审 → (退回 → 制定方案) → 整改中 (half-monthly `Report`s, each a chain of `ReportVersion`s)
      → 已完成 (every measure closed or long-term; the office rates it).

A signed `ReportVersion` is frozen: its SHA-256 covers its canonical content, and a correction is a new
version signed again. Reminders are logged per recipient and item (`ReminderLog`) so that a daily run
sends each reminder once and a run that did not happen is caught up by the next one.
"""

from .closing import Accountability, AccountabilityReason
from .feedback import Problem, Rating, Rectification, RectStatus
from .plan import (
    Commitment,
    CommitmentKind,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    measure_deadline_q,
)
from .publicity import Publication, PublicationScope, PublicationStatus
from .reminders import ReminderLog
from .reports import (
    MeetingKind,
    ProgressLevel,
    RectMeeting,
    Report,
    ReportComment,
    ReportEntry,
    ReportEvidence,
    ReportKind,
    ReportVersion,
    VersionStatus,
)

__all__ = [
    "RectStatus",
    "Rating",
    "Rectification",
    "Problem",
    "MeasureKind",
    "MeasureStatus",
    "Measure",
    "MeasureEvent",
    "CommitmentKind",
    "Commitment",
    "ReportKind",
    "Report",
    "VersionStatus",
    "ReportVersion",
    "ProgressLevel",
    "ReportEntry",
    "ReportEvidence",
    "ReportComment",
    "MeetingKind",
    "RectMeeting",
    "AccountabilityReason",
    "Accountability",
    "PublicationScope",
    "PublicationStatus",
    "Publication",
    "ReminderLog",
    "measure_deadline_q",
]
