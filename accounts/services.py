"""Writes for users and the organisation."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import DIVISION_ROLES, Division, Role, User
from accounts.permissions import STAFF_ROLES
from core.errors import DomainError


def user_create(*, username: str, password: str, role: str, division_code: str | None = None,
                first_name: str = "", last_name: str = "", check_password: bool = True) -> User:
    """Creates a user of a role; officers and clerks belong to a division, HQ and IT to none."""
    if role not in Role.values:
        raise DomainError(_("role must be one of %(choices)s; got %(role)r")
                          % {"choices": ", ".join(Role.values), "role": role}, code="invalid_role")
    if User.objects.filter(username=username).exists():
        raise DomainError(_("user %(username)r already exists") % {"username": username}, code="user_exists")
    division = None
    if role in DIVISION_ROLES:
        if not division_code:
            raise DomainError(_("a %(role)s needs --division CODE") % {"role": role}, code="division_required")
        division = Division.objects.filter(code=division_code).first()
        if division is None:
            raise DomainError(_("unknown division %(code)r") % {"code": division_code}, code="unknown_division")
    elif division_code:
        raise DomainError(_("a %(role)s sees every division; give no --division") % {"role": role},
                          code="division_not_allowed")
    user = User(username=username, role=role, division=division, first_name=first_name, last_name=last_name,
                is_staff=role in STAFF_ROLES, is_superuser=role == Role.ADMIN)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remembers the language a user chose, so that every page and device shows it after a login."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(_("unknown language %(language)r") % {"language": language}, code="invalid_language",
                          field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
