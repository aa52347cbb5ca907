"""Material files uploaded before 0002 sit in the public media (MEDIA_ROOT/events/materials/, under
the client's name). Move each into private storage under a random name, keep the client's name for
the download, and delete the public copy. Files already moved or missing are left as they are (a
missing file answers 404 on download). Safe to run twice. Not reversed: files stay private.

Operators with media on object storage run this against that storage (STORAGES["default"]);
the embedded install's /media/ route refuses events/materials/ in any case (core.uploads)."""

from django.core.files.storage import default_storage
from django.db import migrations


def move_to_private_storage(apps, schema_editor):
    from sharehub.core.uploads import (
        content_type_for,
        display_name,
        extension_of,
        private_storage,
        random_name,
    )

    EventMaterial = apps.get_model("events", "EventMaterial")
    storage = private_storage()
    for material in EventMaterial.objects.exclude(file="").iterator():
        old_name = material.file.name
        if storage.exists(old_name) or not default_storage.exists(old_name):
            continue
        client_name = display_name(old_name, default="material")
        extension = extension_of(client_name)
        if not (extension.isascii() and extension.isalnum() and len(extension) <= 10):
            extension = "bin"
        with default_storage.open(old_name, "rb") as handle:
            new_name = storage.save(
                f"events/materials/{material.event_id}/{random_name(extension)}", handle
            )
        EventMaterial.objects.filter(pk=material.pk).update(
            file=new_name,
            original_name=material.original_name or client_name,
            content_type=material.content_type or content_type_for(client_name),
        )
        default_storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_material_private_storage"),
    ]

    operations = [
        migrations.RunPython(move_to_private_storage, migrations.RunPython.noop),
    ]
