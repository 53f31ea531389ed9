"""The office console (司法所, on a laptop): wide layout with a navigation rail.

``BUILDERS`` maps the office route names of ``core.routes`` to their screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import flet as ft

from core.routes import Screen
from views.office.dashboard import dashboard_view
from views.office.helpers import helpers_view
from views.office.notices import notices_view
from views.office.register import register_view
from views.office.reports import reports_view
from views.office.subject_page import subject_page_view
from views.office.sync_screen import sync_view
from views.office.team_page import team_page_view

if TYPE_CHECKING:
    from views.shell_protocol import ShellProtocol

BUILDERS: dict[str, Callable[[ShellProtocol, Screen], ft.View]] = {
    "office_dashboard": dashboard_view,
    "office_helpers": helpers_view,
    "office_subjects": register_view,
    "office_notices": notices_view,
    "office_sync": sync_view,
    "office_reports": reports_view,
    "office_subject": subject_page_view,
    "office_team": team_page_view,
}
