"""Who may do what: the role matrix, and the rules every page, API view, admin, service and template asks.

Nobody keeps a tuple of roles of their own: they call a rule here, so the matrix below is the whole
answer to "may a clerk…?". Which rows a user may reach (their division or every one) is the scoping
selectors' business (accounts.selectors); this module says only what a role may do.

A superuser is IT, whatever role the row holds. The command line (no user) is IT on the server.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import DIVISION_ROLES, Role

CLERK, OFFICER, MD, IT = Role.CLERK, Role.OFFICER, Role.MD, Role.ADMIN

# action → the roles that may do it.
ROLE_MATRIX: dict[str, frozenset[str]] = {
    # Scoping: HQ and IT see every division; officers and clerks belong to one (DIVISION_ROLES).
    "see_all_divisions": frozenset(Role) - frozenset(DIVISION_ROLES),
    # Money. A clerk never dates a payment further back than PAYMENT_BACKDATE_DAYS: a back-dated
    # credit rewrites arrears already reported and lists already built.
    "take_payment": frozenset({CLERK, OFFICER, IT}),
    "backdate_payment": frozenset({OFFICER, IT}),
    "adjust_ledger": frozenset({OFFICER, IT}),
    # Blocks of receipt numbers (POST receipt-blocks/): a clerk's for the field app, an officer's for their own
    # counter use; both belong to a division, whose series the numbers are of. IT belongs to none.
    "reserve_receipts": frozenset({CLERK, OFFICER}),
    # Uploads of the billing system's files. Divisions are KESCO-wide: IT only.
    "import": frozenset({OFFICER, IT}),
    "import_divisions": frozenset({IT}),
    "view_imports": frozenset({OFFICER, MD, IT}),
    # Revenue targets (admin and targets.csv): an officer sets their division's, IT any; HQ only reads them.
    "set_targets": frozenset({OFFICER, IT}),
    # Defaulter lists. An officer rebuilds today's official list of their division; only IT builds
    # another day or threshold. Those who plan drives see whether last night's lists are there.
    "build_lists": frozenset({OFFICER, IT}),
    "build_lists_off_rule": frozenset({IT}),
    "see_list_status": frozenset({OFFICER, MD}),
    # The Django admin (staff only: officers and IT, see STAFF_ROLES).
    "admin_view": frozenset({OFFICER, MD, IT}),
    "admin_view_all_divisions": frozenset({MD, IT}),  # records spanning every division (the nightly check)
    "edit_consumer": frozenset({OFFICER, IT}),
    "edit_consumer_billing_fields": frozenset({IT}),  # name, category, load: otherwise the billing import's
    # Disconnection drives. The officer plans and decides (disputes, reconnection below the minimum);
    # the clerk in the field serves notices, logs what happened at each stop and restores supply.
    "record_notice": frozenset({OFFICER, CLERK, IT}),
    # A notice is a legal record: served more than NOTICE_BACKDATE_DAYS back, or demanding less than the
    # arrears, only an officer (or IT) records it, with a reason (and, back-dated, the proof's reference).
    "backdate_notice": frozenset({OFFICER, IT}),
    "demand_below_arrears": frozenset({OFFICER, IT}),
    "plan_drive": frozenset({OFFICER, IT}),
    "log_outcome": frozenset({CLERK, OFFICER, IT}),
    "record_dispute": frozenset({OFFICER, IT}),
    # Theft cases: a clerk reports one from the field (and reads their own); the officer works it (inspection,
    # the assessment on the ledger, the FIR, settled or in court).
    "report_theft": frozenset({CLERK, OFFICER, IT}),
    "work_theft_case": frozenset({OFFICER, IT}),
    # Settlements: an officer or a clerk of the division registers a consumer into a scheme (at the counter or in
    # the field); only an officer grants an instalment plan outside a scheme or records a promise to pay; only
    # IT reverses a completed settlement's waiver credit (with a reason).
    "register_settlement": frozenset({CLERK, OFFICER, IT}),
    "grant_plan": frozenset({OFFICER, IT}),
    "record_promise": frozenset({OFFICER, IT}),
    "reverse_settlement_credit": frozenset({IT}),
    "view_settlements": frozenset({OFFICER, CLERK, MD, IT}),
    # Schemes are entered by IT (admin or import_schemes); the others read them.
    "manage_schemes": frozenset({IT}),
    # Recovery from the permanently disconnected (issue 24): the officer issues the Form I demand notice, raises
    # the recovery certificate to the collector and records its progress; HQ reads them; clerks have no part.
    "recover_dues": frozenset({OFFICER, IT}),
    "view_recovery": frozenset({OFFICER, MD, IT}),
    "approve_reconnection": frozenset({OFFICER, IT}),
    "reconnect": frozenset({CLERK, OFFICER, IT}),
    "view_drives": frozenset({OFFICER, CLERK, MD, IT}),
    # The payments list (GET payments/): a clerk sees the payments they took, these roles every one in scope.
    "see_others_payments": frozenset({OFFICER, MD, IT}),
    # Dashboards and the summary (reports/summary/, its exports). A clerk's home is the day's stops.
    "see_reports": frozenset({OFFICER, MD, IT}),
    # The health page (/health/): database, broker, backups and the night's jobs. IT runs them; HQ may look.
    "see_health": frozenset({MD, IT}),
    # The daily summary e-mail at 07:00 goes to HQ only.
    "receive_daily_summary": frozenset({MD}),
}

# Who gets a staff account (the Django admin): the division officer and IT.
STAFF_ROLES = frozenset({OFFICER, IT})


def require(allowed: bool) -> None:
    """A page's refusal (403) when the rule it asked says no: ``require(may_import(request.user))``."""
    if not allowed:
        raise PermissionDenied


def role_of(user) -> str | None:
    """The role whose rules apply to ``user``: IT for a superuser, None for an anonymous user."""
    if user is None or not user.is_authenticated:
        return None
    return IT if user.is_superuser else user.role


def role_may(role: str | None, action: str) -> bool:
    return role in ROLE_MATRIX[action]


def user_may(user, action: str) -> bool:
    return role_may(role_of(user), action)


def may_see_all_divisions(user) -> bool:
    return user_may(user, "see_all_divisions")


def may_take_payment(user) -> bool:
    return user_may(user, "take_payment")


def may_reserve_receipts(user) -> bool:
    return user_may(user, "reserve_receipts")


def may_backdate_payment(user) -> bool:
    return user_may(user, "backdate_payment")


def may_adjust_ledger(user) -> bool:
    return user_may(user, "adjust_ledger")


# imports.models.ImportKind.DIVISIONS and .TARGETS: imports stands above accounts, so their values are named here.
DIVISIONS_KIND, TARGETS_KIND = "divisions", "targets"
# The rule for uploading a kind of file; any other kind's is "import".
IMPORT_RULES = {DIVISIONS_KIND: "import_divisions", TARGETS_KIND: "set_targets"}


def may_import(user, kind: str | None = None) -> bool:
    """Whether ``user`` may upload a file (of ``kind``: the divisions file is IT's, targets.csv theirs who set
    targets)."""
    return user_may(user, IMPORT_RULES.get(kind, "import"))


def may_view_imports(user) -> bool:
    return user_may(user, "view_imports")


def may_set_targets(user) -> bool:
    return user_may(user, "set_targets")


def may_build_lists(user) -> bool:
    return user_may(user, "build_lists")


def may_build_lists_off_rule(user) -> bool:
    """Whether ``user`` may build a list other than the official one (another day or threshold).
    ``None`` is the command line."""
    return user is None or user_may(user, "build_lists_off_rule")


def may_see_list_status(user) -> bool:
    return user_may(user, "see_list_status")


def may_see_reports(user) -> bool:
    return user_may(user, "see_reports")


def may_see_health(user) -> bool:
    return user_may(user, "see_health")


def may_receive_daily_summary(user) -> bool:
    return user_may(user, "receive_daily_summary")


def may_use_admin(user, action: str = "admin_view") -> bool:
    """Whether ``user`` may do ``action`` in the Django admin: an active staff member whose role may."""
    return user is not None and user.is_active and user.is_staff and user_may(user, action)


def may_record_notice(user) -> bool:
    return user_may(user, "record_notice")


def may_backdate_notice(user) -> bool:
    return user_may(user, "backdate_notice")


def may_demand_below_arrears(user) -> bool:
    return user_may(user, "demand_below_arrears")


def may_plan_drive(user) -> bool:
    return user_may(user, "plan_drive")


def may_log_outcome(user) -> bool:
    return user_may(user, "log_outcome")


def may_record_dispute(user) -> bool:
    return user_may(user, "record_dispute")


def may_report_theft(user) -> bool:
    return user_may(user, "report_theft")


def may_work_theft_case(user) -> bool:
    return user_may(user, "work_theft_case")


def may_approve_reconnection(user) -> bool:
    return user_may(user, "approve_reconnection")


def may_reconnect(user) -> bool:
    return user_may(user, "reconnect")


def may_view_drives(user) -> bool:
    return user_may(user, "view_drives")


def may_see_others_payments(user) -> bool:
    return user_may(user, "see_others_payments")


def may_register_settlement(user) -> bool:
    return user_may(user, "register_settlement")


def may_grant_plan(user) -> bool:
    return user_may(user, "grant_plan")


def may_record_promise(user) -> bool:
    return user_may(user, "record_promise")


def may_reverse_settlement_credit(user) -> bool:
    return user_may(user, "reverse_settlement_credit")


def may_view_settlements(user) -> bool:
    return user_may(user, "view_settlements")


def may_manage_schemes(user) -> bool:
    return user_may(user, "manage_schemes")


def may_recover_dues(user) -> bool:
    return user_may(user, "recover_dues")


def may_view_recovery(user) -> bool:
    return user_may(user, "view_recovery")
