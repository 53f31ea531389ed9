"""Printed forms (DOCX) and spreadsheets (XLSX): pure functions from plain dicts to files.

Every export is built in memory first and then written with ``write_atomically`` (the store's
``fsio.atomic_write``: temp file beside the destination, fsync, ``os.replace``), so a failed export never leaves a half file
and never clobbers the previous one. A destination that cannot be written raises
``ExportFailed`` whose message tells the officer to pick another place.

The error and the writer live in ``storage.exports`` (a phone writes bundles without loading
python-docx or openpyxl); they are re-exported here for the print-outs.
"""

from __future__ import annotations

from storage.documents.card import office_card_docx
from storage.documents.notice import notice_docx
from storage.documents.registration import registration_docx
from storage.documents.tables import (
    evaluation_rows,
    evaluations_xlsx,
    helpers_xlsx,
    months_between,
    subjects_xlsx,
    visits_per_helper_month,
    visits_xlsx,
)
from storage.exports import TEMP_PREFIX, ExportFailed, write_atomically

__all__ = [
    "TEMP_PREFIX",
    "ExportFailed",
    "write_atomically",
    "notice_docx",
    "registration_docx",
    "office_card_docx",
    "visits_per_helper_month",
    "months_between",
    "visits_xlsx",
    "evaluation_rows",
    "evaluations_xlsx",
    "subjects_xlsx",
    "helpers_xlsx",
]
