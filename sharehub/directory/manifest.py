"""directory's registrations with the kernel (see DESIGN.md, "App contract")."""

from sharehub.core import privacy
from sharehub.core.demo import DemoRun, register_demo
from sharehub.moderation.registry import register_moderated
from sharehub.moderation.signals import moderation_changed
from sharehub.organizations.models import Organization
from sharehub.organizations.signals import public_facts_changed
from sharehub.search.registry import register_searchable

from . import privacy_data
from .demo import load_directory_demo
from .models import Listing, Suggestion
from .search_index import listing_document
from .selectors import public_listings
from .services import on_public_facts_changed
from .suggestions import on_published


def _load_demo(run: DemoRun) -> int:
    # The city (its demo staff account) lists what it knows of each demo organization.
    return load_directory_demo(actor=run.accounts["staff@sharehub.example"])


register_moderated(Suggestion)
moderation_changed.connect(on_published, dispatch_uid="directory.apply_suggestion")
# A listing is public while its organization is published: the organization's moderation
# decisions bring the listing's search entry in line in the same transaction.
register_searchable(
    Listing,
    document=listing_document,
    public=public_listings,
    follows={Organization: "organization"},
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
