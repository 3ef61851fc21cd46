from django.db import migrations


def load_tree(apps, schema_editor):
    from catalog.category_tree import category_tree_ensure

    category_tree_ensure(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_certification_first_set_constraints")]

    operations = [migrations.RunPython(load_tree, migrations.RunPython.noop)]
