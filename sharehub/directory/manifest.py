"""directory's registrations with the kernel (see DESIGN.md, "App contract")."""

from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.org_sections import register_org_section
from sharehub.core.workspace import register_work
from sharehub.moderation.registry import register_moderated
from sharehub.moderation.signals import moderation_changed
from sharehub.organizations.models import Organization
from sharehub.organizations.signals import public_facts_changed
from sharehub.search.registry import register_searchable

from . import privacy_data
from .demo import load_directory_demo
from .models import Listing, Suggestion
from .org_section import listing_section
from .permissions import can_manage_directory
from .search_index import LISTING_KIND, listing_document
from .selectors import public_listings
from .services import on_public_facts_changed
from .suggestions import on_published


def _load_demo(run: DemoRun) -> int:
    # The city (its demo staff account) lists what it knows of each demo organization.
    return load_directory_demo(actor=run.accounts["staff@sharehub.example"])


register_moderated(Suggestion)
# A member's first listing waits for a moderator (services._create_listing).
register_moderated(Listing)
moderation_changed.connect(on_published, dispatch_uid="directory.apply_suggestion")
# A listing is public while it and its organization are published: moderation decisions on
# either bring the listing's search entry in line in the same transaction.
# A district named in a search keeps the listings serving it and the city-wide ones.
register_searchable(
    Listing,
    document=listing_document,
    public=public_listings,
    state_fields=("moderation_status",),
    follows={Organization: "organization"},
    by_district=True,
    kind=LISTING_KIND,
)
public_facts_changed.connect(
    on_public_facts_changed, dispatch_uid="directory.reindex_organization_listing"
)
privacy.register(
    "directory",
    export=privacy_data.export_suggestions,
    erase=privacy_data.erase_suggestions,
)
register_demo("directory", _load_demo, label="directory listings", order=40)
# The organization's page shows its listing and services, or its members the way to create them.
register_org_section(
    "directory",
    template="directory/partials/org_section.html",
    context=listing_section,
    order=10,
)
register_work(
    "directory.import",
    label=_("Import listings (CSV)"),
    url_name="directory:import",
    allowed=can_manage_directory,
    order=110,
)
register_work(
    "directory.categories",
    label=_("Categories"),
    url_name="directory:categories",
    allowed=can_manage_directory,
    order=120,
)
