
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
