"""Organizations whose address was Hangul (percent-escaped once shared) get a short ASCII one
(core.slugs); the old address stays as a FormerSlug, so old links redirect (301)."""

from django.db import migrations

from sharehub.core.slugs import short_slug

LABEL = "organizations.organization"
SLUG_BASE_LENGTH = 50


def ascii_slugs(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    FormerSlug = apps.get_model("core", "FormerSlug")
    taken = set(Organization.objects.values_list("slug", flat=True))
    for organization in Organization.objects.order_by("pk"):
        old = organization.slug
        if old.isascii():
            continue
        base = (
            short_slug(organization.name_en, organization.name_ko, old, max_length=SLUG_BASE_LENGTH)
            or f"organization-{organization.pk}"
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        Organization.objects.filter(pk=organization.pk).update(slug=slug)
        FormerSlug.objects.update_or_create(
            model=LABEL, slug=old, defaults={"object_id": organization.pk}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_former_slugs"),
        ("organizations", "0003_name_change_request"),
    ]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
