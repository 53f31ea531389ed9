"""The office's spreadsheets and printed cards, written only where the officer chose."""

from __future__ import annotations

from pathlib import Path

from sync.app.files import typed_path, with_suffix
from sync.app.office.access import office_of
from sync.app.office.enrolment import helper_rows
from sync.app.session import Service


def write_report(
    svc: Service, kind: str, out: str | Path, *, date_from: str | None = None, date_to: str | None = None
) -> Path:
    """One of the office spreadsheets (visits, evaluations, subjects, helpers) as XLSX."""
    from sync.app import printing  # python-docx and openpyxl load only when printing

    store, _me = office_of(svc)
    target = with_suffix(typed_path(out), ".xlsx")
    if kind == "helpers":  # the roster as the console shows it: 已撤销, and when data last arrived
        from storage.documents import helpers_xlsx

        rows = [
            {
                "name": r["name"],
                "committee": r["committee"],
                "phone": r["phone"],
                "status": r["status_label"],
                "enrolled_date": r["enrolled_date"],
                "filed_date": r["filed_date"],
                "fingerprint": r["fingerprint"],
                "last_received": r["last_bundle"],
            }
            for r in helper_rows(svc)
        ]
        return helpers_xlsx(rows, target)
    return printing.report(store, kind, target, date_from=date_from or None, date_to=date_to or None)


def write_card_docx(svc: Service, out: str | Path) -> Path:
    """The office card as a printable page (name, fingerprint digits) to post or hand out."""
    from sync.app import printing

    _store, me = office_of(svc)
    return printing.print_card(me, with_suffix(typed_path(out), ".docx"), today=svc.today())
