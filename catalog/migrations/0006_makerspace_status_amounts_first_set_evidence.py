"""Makerspace publication becomes a status (draft / published / unpublished) moved by a
state machine; makerspace descriptions become sanitised rich text like products'; every
amount column gets the one scale that holds any currency's minor unit (4 decimals); a
first-set unit carries its purchase document and each side's confirmation."""

import html

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import marketplace.core.storage


def _paragraphs(text: str) -> str:
    """Plain text as the page showed it (line breaks kept), escaped, in paragraphs."""
    if not text or "<" in text:
        return text
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in block.strip().split("\n")) + "</p>"
        for block in blocks
    )


def forward(apps, schema_editor):
    Makerspace = apps.get_model("catalog", "Makerspace")
    for space in Makerspace.objects.using(schema_editor.connection.alias):
        space.status = "published" if space.is_published else "unpublished"
        space.description = _paragraphs(space.description)
        space.description_en = _paragraphs(space.description_en)
        space.save(update_fields=["status", "description", "description_en"],
                   using=schema_editor.connection.alias)


def backward(apps, schema_editor):
    spaces = apps.get_model("catalog", "Makerspace").objects.using(
        schema_editor.connection.alias)
    spaces.filter(status="published").update(is_published=True)
    spaces.exclude(status="published").update(is_published=False)


def amount(verbose_name, **kwargs):
    return models.DecimalField(decimal_places=4, max_digits=20, verbose_name=verbose_name,
                               **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_move_certification_documents_to_private_storage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="makerspace",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published"),
                         ("unpublished", "Unpublished")],
                db_index=True, default="draft", max_length=20, verbose_name="status",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="makerspace", name="is_published"),
        migrations.AlterField(
            model_name="product", name="price_amount",
            field=amount("price", blank=True, null=True,
                         validators=[django.core.validators.MinValueValidator(Decimal("0"))]),
        ),
        migrations.AlterField(model_name="firstsetinsurance", name="insured_amount",
                              field=amount("insured amount")),
        migrations.AlterField(model_name="firstsetinsurance", name="premium_amount",
                              field=amount("premium")),
        migrations.AlterField(model_name="firstsetinsurance", name="subsidy_amount",
                              field=amount("premium subsidy")),
        migrations.AddField(
            model_name="firstsetunit", name="purchase_document",
            field=models.FileField(blank=True, max_length=200,
                                   storage=marketplace.core.storage.private_storage,
                                   upload_to="first-sets/", verbose_name="purchase document"),
        ),
        migrations.AddField(model_name="firstsetunit", name="purchase_document_name",
                            field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="firstsetunit", name="purchase_document_type",
                            field=models.CharField(blank=True, max_length=50)),
        migrations.AddField(
            model_name="firstsetunit", name="maker_confirmed_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to=settings.AUTH_USER_MODEL,
                                    verbose_name="confirmed for the maker by"),
        ),
        migrations.AddField(model_name="firstsetunit", name="maker_confirmed_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="firstsetunit", name="buyer_confirmed_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to=settings.AUTH_USER_MODEL,
                                    verbose_name="confirmed for the buyer by"),
        ),
        migrations.AddField(model_name="firstsetunit", name="buyer_confirmed_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AlterField(
            model_name="firstsetunit", name="status",
            field=models.CharField(
                choices=[("claimed", "Awaiting confirmation"), ("confirmed", "Confirmed"),
                         ("rejected", "Rejected")],
                db_index=True, default="claimed", max_length=20, verbose_name="status",
            ),
        ),
    ]
