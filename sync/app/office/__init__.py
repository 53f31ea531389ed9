"""The office's actions as plain functions of the open ``Service``: the helper roster, the
subject register, notices, the exchange of bundles, the dashboard and conflicts, print-outs.

The office console (``views/office``) and the CLI (``sync/cli``) both call these, and nothing
else, for the same action.
"""

from sync.app.errors import OfficeError
from sync.app.files import BUNDLE_SUFFIX, CARD_SUFFIX, QUARANTINE_DIR, REQUEST_SUFFIXES, list_files
from sync.app.office.access import office_of
from sync.app.office.assessment import (
    assess_helper,
    assessment_figures,
    helper_assessments,
    latest_assessments,
    period_bounds,
)
from sync.app.office.bundles import batch_import, export_all, export_to_helper
from sync.app.office.closeout import archived_rows, close_case, closure
from sync.app.office.enrolment import (
    enrol_from_request,
    enrolment_preview,
    helper_rows,
    revoke,
    rotate_key,
    write_office_card,
)
from sync.app.office.entrustments import (
    AlreadyConverted,
    assign_entrustment_helper,
    convert_entrustment,
    entrustment_rows,
    investigations,
    open_entrustments,
    record_assessment_result,
    record_entrustment,
)
from sync.app.office.handover import hand_over, handover_keep, set_handover_keep
from sync.app.office.intake import FIRST_MEETING_DAYS, awaiting_meeting, awaiting_registration
from sync.app.office.movements import decide, pending_requests, relocations
from sync.app.office.notices import (
    MAX_TASKS,
    issue_notice,
    notice_id,
    notice_rows,
    notice_tasks,
    save_notice_docx,
)
from sync.app.office.overview import (
    ENDING_DAYS,
    SILENT_DAYS,
    URGENT_DETAIL_SUBJECTS,
    acknowledge,
    conflict_rows,
    dashboard,
    dismiss_flagged,
    flagged_rows,
    resolve_conflict,
)
from sync.app.office.printouts import write_card_docx, write_report
from sync.app.office.register import (
    assign,
    committees,
    import_roster,
    roster_preview,
    save_registration_docx,
    save_subject,
    subject_page,
    subject_rows,
    unassign,
)
from sync.app.office.subsidies import add_reward, reward_rows, set_subsidy, subsidy_settings
from sync.app.office.teams import role_names, save_team, slot_code, subjects_without_team, team_page

__all__ = [
    "BUNDLE_SUFFIX",
    "CARD_SUFFIX",
    "QUARANTINE_DIR",
    "REQUEST_SUFFIXES",
    "OfficeError",
    "list_files",
    "ENDING_DAYS",
    "MAX_TASKS",
    "SILENT_DAYS",
    "URGENT_DETAIL_SUBJECTS",
    "acknowledge",
    "assign",
    "batch_import",
    "committees",
    "conflict_rows",
    "dashboard",
    "dismiss_flagged",
    "enrol_from_request",
    "enrolment_preview",
    "export_all",
    "export_to_helper",
    "flagged_rows",
    "helper_rows",
    "import_roster",
    "issue_notice",
    "notice_id",
    "notice_rows",
    "notice_tasks",
    "office_of",
    "resolve_conflict",
    "roster_preview",
    "revoke",
    "rotate_key",
    "save_notice_docx",
    "save_registration_docx",
    "save_subject",
    "subject_page",
    "subject_rows",
    "unassign",
    "write_card_docx",
    "write_office_card",
    "write_report",
    "archived_rows",
    "close_case",
    "closure",
    "add_reward",
    "reward_rows",
    "set_subsidy",
    "subsidy_settings",
    "assess_helper",
    "assessment_figures",
    "latest_assessments",
    "helper_assessments",
    "period_bounds",
    "FIRST_MEETING_DAYS",
    "awaiting_meeting",
    "awaiting_registration",
    "decide",
    "pending_requests",
    "relocations",
    "role_names",
    "save_team",
    "slot_code",
    "subjects_without_team",
    "team_page",
    "hand_over",
    "handover_keep",
    "set_handover_keep",
    "AlreadyConverted",
    "convert_entrustment",
    "assign_entrustment_helper",
    "investigations",
    "entrustment_rows",
    "open_entrustments",
    "record_assessment_result",
    "record_entrustment",
]
