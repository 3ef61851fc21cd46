"""Products get a model number (型号). Existing products that state one in their
specifications ("型号 (Model)": "LS-147", as the demo data and many makers do) get it
filled from there; the others stay blank for their makers to fill."""

import re

from django.db import migrations, models

MODEL_KEY = re.compile(r"型号|model", re.IGNORECASE)
MAX_LENGTH = 64


def model_code_from_specifications(specifications) -> str:
    if not isinstance(specifications, dict):
        return ""
    for key, value in specifications.items():
        if MODEL_KEY.search(str(key)) and isinstance(value, str) and value.strip():
            return value.strip()[:MAX_LENGTH]
    return ""


def fill_model_codes(apps, schema_editor):
    products = apps.get_model("catalog", "Product").objects.using(
        schema_editor.connection.alias)
    batch = []
    for product in products.exclude(specifications={}).only("pk", "specifications") \
            .iterator(chunk_size=2000):
        code = model_code_from_specifications(product.specifications)
        if code:
            product.model_code = code
            batch.append(product)
        if len(batch) >= 2000:
            products.bulk_update(batch, ["model_code"])
            batch = []
    products.bulk_update(batch, ["model_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_product_images_private_until_published'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='model_code',
            field=models.CharField(blank=True, max_length=64, verbose_name='model number'),
        ),
        migrations.RunPython(fill_model_codes, migrations.RunPython.noop),
    ]
