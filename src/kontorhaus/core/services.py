from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .exceptions import InvalidInput
from .models import CompanyProfile
from .transactions import operation


@operation
def company_profile_create_once(*, data: dict) -> CompanyProfile:
    """Create the seller profile if there is none yet; an existing one (the shop's) is kept.
    Editing it in the back office comes with the invoicing issue."""
    existing = CompanyProfile.objects.select_for_update().first()
    if existing is not None:
        return existing
    return CompanyProfile.objects.create(**data)


@operation
def user_create(
    *, username: str, password: str, superuser: bool = False, email: str = "", weak_password_allowed: bool = False
) -> AbstractBaseUser:
    """A back-office login. Superusers may also use the Django admin. Only the demo login may
    have a weak password (`weak_password_allowed`)."""
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise InvalidInput(f"a user named {username!r} already exists", details={"field": "username"})
    user = users(username=username, email=email, is_staff=superuser, is_superuser=superuser)
    try:
        user.full_clean(exclude=["password"])
        if not weak_password_allowed:
            validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), details={"field": "password"})
    user.set_password(password)
    user.save()
    return user
