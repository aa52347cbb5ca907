"""Articles whose address was Hangul (percent-escaped once shared) get a short ASCII one
(core.slugs); the old address stays as a FormerSlug, so old links redirect (301)."""

from django.db import migrations

from sharehub.core.slugs import short_slug

LABEL = "news.article"
SLUG_MAX = 60


def ascii_slugs(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    FormerSlug = apps.get_model("core", "FormerSlug")
    taken = set(Article.objects.values_list("slug", flat=True))
    for article in Article.objects.order_by("pk"):
        old = article.slug
        if old.isascii():
            continue
        base = (
            short_slug(article.title_en, article.title_ko, old, max_length=SLUG_MAX)
            or f"article-{article.pk}"
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        Article.objects.filter(pk=article.pk).update(slug=slug)
        FormerSlug.objects.update_or_create(
            model=LABEL, slug=old, defaults={"object_id": article.pk}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_former_slugs"),
        ("news", "0001_initial"),
    ]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
