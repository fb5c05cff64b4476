from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import History

division_code_validator = RegexValidator(
    r"^[A-Z0-9]{2,10}$", _("2 to 10 capital letters or digits, e.g. RTP")
)


def local_name(name: str, name_hi: str) -> str:
    """``name_hi`` when the active language is Hindi and it is set, else ``name``."""
    return name_hi if name_hi and (get_language() or "").startswith("hi") else name


class Division(models.Model):
    """A KESCO distribution division (Ratanpur, Hanspuram, ...): the unit of scoping."""

    code = models.CharField(_("code"), max_length=10, unique=True, validators=[division_code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_hi = models.CharField(_("name in Hindi"), max_length=100, blank=True)
    history = History()

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        # In the page's language: forms, the admin and pages show the Hindi name on Hindi pages.
        return f"{self.local_name} ({self.code})"

    @property
    def local_name(self) -> str:
        """The name in the page's language: the Hindi name on a Hindi page, when there is one."""
        return local_name(self.name, self.name_hi)


class Role(models.TextChoices):
    MD = "md", _("Managing Director / HQ")
    OFFICER = "officer", _("Division officer")
    CLERK = "clerk", _("Field clerk")
    ADMIN = "admin", _("IT admin")


# Roles that belong to one division; the others see every division.
DIVISION_ROLES = (Role.OFFICER, Role.CLERK)


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes an IT admin, who belongs to no division.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The language the user last chose (blank: not chosen; the browser's then). It follows them to
    # any phone they log in on (accounts.middleware.UserLanguageMiddleware).
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True, default="")
    history = History(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Officers and clerks work for one division; HQ and IT see all of them.
            models.CheckConstraint(
                name="user_division_matches_role",
                condition=(
                    models.Q(role__in=[r.value for r in DIVISION_ROLES], division__isnull=False)
                    | (~models.Q(role__in=[r.value for r in DIVISION_ROLES]) & models.Q(division__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="user_role_valid",
                condition=models.Q(role__in=[r.value for r in Role]),
            ),
        ]

    @property
    def sees_all_divisions(self) -> bool:
        from accounts.permissions import may_see_all_divisions  # the role matrix; it imports this module

        return may_see_all_divisions(self)

