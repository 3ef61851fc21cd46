"""Move certification documents uploaded before 0004 from MEDIA_ROOT (served publicly
under DEBUG and by any web server pointed at the media directory) to private storage.

For every document whose file is still in the public media storage: copy it into the
private storage (keeping its name unless taken), store the new name, then delete the
public copy. Documents already private, or whose file is gone, are left alone. Nothing
to do on an empty database. Re-running is harmless."""

from django.core.files.storage import default_storage
from django.db import migrations


def move_documents(apps, schema_editor):
    from marketplace.core.storage import private_storage

    private = private_storage()
    Document = apps.get_model("catalog", "CertificationDocument")
    for document in Document.objects.exclude(file="").order_by("pk").iterator():
        name = document.file.name
        if not default_storage.exists(name):
            continue  # already private (or lost): nothing public to move
        if private.exists(name):
            # an earlier run copied it and stopped before deleting the public copy
            # (stored names are random, so the same name is the same document)
            default_storage.delete(name)
            continue
        with default_storage.open(name, "rb") as public_file:
            stored = private.save(name, public_file)
        if stored != name:
            Document.objects.filter(pk=document.pk).update(file=stored)
        default_storage.delete(name)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_first_set_confirmation_private_documents_currency"),
    ]

    operations = [
        migrations.RunPython(move_documents, migrations.RunPython.noop, elidable=True),
    ]
