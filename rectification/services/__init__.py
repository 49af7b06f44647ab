"""Services of feedback and rectification: every write goes through one of these functions.

A refusal is a `DomainError` in Chinese (with every reason); a view shows it, never a 500. Modules:

- `schedule`   — the report schedule (half-monthly due dates and the final report) of a rectification.
- `signing`    — password re-entry and the canonical SHA-256 of what is signed.
- `feedback`   — assemble the feedback from approved findings, render the report and the feedback
                 opinions, record the feedback meeting.
- `plan`       — measures, the Excel plan (export / all-or-nothing import), 双承诺, submit / approve / return.
- `reports`    — half-monthly and final report versions, evidence, 签字背书, comments (日常监督), and the
                 hearing and democratic-life meetings.
- `closing`    — 对账销号 (close / return / reopen a measure), closing and rating, 问责.
- `publicity`  — 双公开: publication texts (no personal data), publish and withdraw.
- `reminders`  — the daily digest of reminders and escalations (Celery beat).
- `workflows`  — the status tables (rectification, measure, report version, publication): every status
                 changes through `xuncha.core.transitions.transition` along one of them.

Who may do what is decided in `xuncha/access/rules/rectification.py`; the reads of the pages are in
`rectification.selectors`.
"""
