"""The bundle protocol applied to a store: enrolment and pinning, key rotation, export (outbox,
seal, commit), import as named stages with quarantine, retention and record status, and the
typed per-peer sync state (``PeerState``).

May import: ``sync.protocol``, ``storage``, ``core``. Never ``sync.app``, ``sync.cli.main`` or
``views``. The names below are the package's API; ``sync.app`` calls nothing else of it.
"""

from sync.exchange.enrolment import (
    assign,
    confirm_office_rotation,
    enroll_helper,
    pin_office,
    revoke_helper,
    rotate_office_key,
    unassign,
)
from sync.exchange.errors import ExportSuperseded, NoPendingRotation, NotEnrolled, NotOffice, UnknownRecord
from sync.exchange.export import Sealed, export_bundle, seal_bundle
from sync.exchange.importing import QUARANTINE_DIR, ImportOutcome, import_bundle, import_file
from sync.exchange.peers import (
    PeerState,
    dismiss_flag,
    flagged_changes,
    helper_record,
    office_lineage,
    pending_rotation,
    pinned_office,
    pinned_office_fp,
)
from sync.exchange.retention import (
    STATUS_DELIVERED,
    STATUS_EXPORTED,
    STATUS_UNSENT,
    drop_delivered,
    peer_info,
    record_status,
    record_statuses,
)

__all__ = [
    "QUARANTINE_DIR",
    "STATUS_DELIVERED",
    "STATUS_EXPORTED",
    "STATUS_UNSENT",
    "ExportSuperseded",
    "ImportOutcome",
    "NoPendingRotation",
    "NotEnrolled",
    "NotOffice",
    "PeerState",
    "Sealed",
    "UnknownRecord",
    "assign",
    "confirm_office_rotation",
    "dismiss_flag",
    "drop_delivered",
    "flagged_changes",
    "enroll_helper",
    "export_bundle",
    "helper_record",
    "import_bundle",
    "import_file",
    "office_lineage",
    "peer_info",
    "pending_rotation",
    "pin_office",
    "pinned_office",
    "pinned_office_fp",
    "record_status",
    "record_statuses",
    "revoke_helper",
    "rotate_office_key",
    "seal_bundle",
    "unassign",
]
