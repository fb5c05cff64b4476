"""What the drives API modules share: the permission class, bounds and help texts, small answers."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import may_view_drives

# A drive's stops are planned in one request: 5,000 is a big division's day (the bench plans that many).
MAX_STOPS = 5000
# More clerks than a division has on one drive is a mistake, not a plan.
MAX_CLERKS = 100
ACCOUNT_NO_LENGTH = 12
DIVISION_CODE_LENGTH = 10
USERNAME_LENGTH = 150


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class ViewsDrives(IsAuthenticated):
    """Every operation here is for those who work drives (accounts.permissions "view_drives")."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_view_drives(request.user)


DRIVES_PERMISSIONS = [ViewsDrives]


ACCOUNT_NO_HELP = "the consumer's account number (8 digits, leading zeros kept)"
NAME_HELP = "the consumer's name as billed (English or Hindi)"
ADDRESS_HELP = "the premises' address"
PHONE_HELP = "the consumer's phone number; blank when the billing system has none"
MODE_HELP = "how the notice was served: hand (by hand), post, sms or bill (printed on the bill)"
OUTCOME_HELP = ("what happened at the stop: disconnected (supply cut; give method), paid (paid on the spot: "
                "logged by POST payments/ with drive_stop when the payment meets the rule, not here), "
                "premises_locked, not_found (no such premises "
                "or consumer), refused_access, disputed (the consumer disputes the bill), theft_detected (a theft "
                "case is opened)")
METHOD_HELP = ("how the supply was cut: cable_removed (service cable pulled), meter_removed, fuse_pulled, remote "
               "(a smart meter switched off)")
STOP_STATUS_HELP = ("open (to visit), done (its outcome logged), settled (the consumer paid, at the counter, online "
                    "or on the spot, and dropped off the list) or unvisited (the drive closed before the visit); a "
                    "consumer is on at most one open stop")
DRIVE_STATUS_HELP = "planned (not started), in_progress (started) or closed (its day is over; no more outcomes)"


def consumer_missing(account_no: str) -> NotFound:
    return NotFound(_("no consumer %(account_no)s in your division") % {"account_no": account_no})
