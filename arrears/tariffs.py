"""Consumer categories: UPPCL's rate schedules as the billing system writes them, and
the broad group each belongs to (DESIGN.md, "CSV formats").

A consumer keeps its category as the file gave it (``LMV-1``, or a broad word such as
``domestic`` from before the billing system wrote codes); the database derives the broad
group from it (``Consumer.category_group``, a generated column), which filters, reports
and charges read. This table is the one place either is written down.

Why each schedule is in its group: the group says what the supply is used for.

- LMV-1 domestic; LMV-10 (departmental employees) domestic too: their homes, billed on
  a schedule of their own.
- LMV-2 commercial; LMV-9 (temporary supply: weddings, fairs, construction) and LMV-11
  (electric vehicle charging) commercial: supply sold for a business, not a factory's
  process; HV-1 (non-industrial bulk load: malls, hotels, hospitals) commercial for the
  same reason.
- LMV-4/LMV-4A public and LMV-4B private institutions: institutional.
- LMV-6 (small and medium power) and HV-2 (large and heavy power): industrial.
- LMV-5 (private tube wells) and HV-4 (lift irrigation): agricultural. LMV-8 (state tube
  wells) agricultural as well, though the state pays the bill: the water goes to farmers'
  fields like LMV-5's and HV-4's, and grouping by who pays would split irrigation across
  two groups in every report.
- LMV-3 (public lamps) and LMV-7 (public water works): government, services the
  municipality runs for the public. HV-3 (railway traction) government, not industrial:
  it moves trains, a public service of a government undertaking, and its dues are
  settled between governments, never by a disconnection drive.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Value, When
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class CategoryGroup(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    INSTITUTIONAL = "institutional", _("Institutional")
    AGRICULTURAL = "agricultural", _("Agricultural")
    GOVERNMENT = "government", _("Government")


@dataclass(frozen=True)
class RateSchedule:
    code: str
    group: CategoryGroup
    label: Promise


G = CategoryGroup
RATE_SCHEDULES = [
    RateSchedule("LMV-1", G.DOMESTIC, _("domestic light, fan and power")),
    RateSchedule("LMV-2", G.COMMERCIAL, _("non-domestic light, fan and power")),
    RateSchedule("LMV-3", G.GOVERNMENT, _("public lamps")),
    # Without a letter: an older file's, or one not split into public and private.
    RateSchedule("LMV-4", G.INSTITUTIONAL, _("institutions")),
    RateSchedule("LMV-4A", G.INSTITUTIONAL, _("public institutions")),
    RateSchedule("LMV-4B", G.INSTITUTIONAL, _("private institutions")),
    RateSchedule("LMV-5", G.AGRICULTURAL, _("private tube wells")),
    RateSchedule("LMV-6", G.INDUSTRIAL, _("small and medium power")),
    RateSchedule("LMV-7", G.GOVERNMENT, _("public water works")),
    RateSchedule("LMV-8", G.AGRICULTURAL, _("state tube wells")),
    RateSchedule("LMV-9", G.COMMERCIAL, _("temporary supply")),
    RateSchedule("LMV-10", G.DOMESTIC, _("departmental employees")),
    RateSchedule("LMV-11", G.COMMERCIAL, _("electric vehicle charging")),
    RateSchedule("HV-1", G.COMMERCIAL, _("non-industrial bulk load")),
    RateSchedule("HV-2", G.INDUSTRIAL, _("large and heavy power")),
    RateSchedule("HV-3", G.GOVERNMENT, _("railway traction")),
    RateSchedule("HV-4", G.AGRICULTURAL, _("lift irrigation")),
]
del G

# Every accepted category, spelt exactly (UPPCL writes codes in capitals), and its group.
CATEGORY_GROUPS: dict[str, CategoryGroup] = {
    **{schedule.code: schedule.group for schedule in RATE_SCHEDULES},
    **{group.value: group for group in CategoryGroup},
}
CATEGORY_CHOICES = [(s.code, format_lazy("{} · {}", s.code, s.label)) for s in RATE_SCHEDULES] + list(
    CategoryGroup.choices)
# The import's answer to any other value: what it accepts, in a line.
CATEGORY_ACCEPTED = ("a UPPCL rate schedule (LMV-1 to LMV-11, LMV-4A, LMV-4B, HV-1 to HV-4) or a broad group ("
                     + ", ".join(CategoryGroup.values) + ")")


def category_group_of(category: str) -> CategoryGroup | None:
    return CATEGORY_GROUPS.get(category)


def category_group_expression() -> Case:
    """The group of the ``category`` column, as SQL: the generated column's expression."""
    return Case(
        *(When(category__in=[c for c, g in CATEGORY_GROUPS.items() if g == group], then=Value(group.value))
          for group in CategoryGroup),
        output_field=models.CharField(max_length=20))
