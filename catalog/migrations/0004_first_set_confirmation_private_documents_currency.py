"""First-set units become claims the buyer confirms (units recorded so far stay counted:
they are marked confirmed), certification documents move to private storage (the files
themselves move in 0005), currencies default to settings.MARKETPLACE_CURRENCY, and the
database refuses a premium above 3 % of the insured amount."""

import catalog.models
import django.db.models.deletion
import django.db.models.expressions
import marketplace.core.storage
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def refuse_premiums_above_cap(apps, schema_editor):
    """The new check constraint would fail on such rows with an opaque error; name them,
    so an operator can correct the records with the insurer before migrating again.
    Insurance amounts are never changed silently."""
    Insurance = apps.get_model("catalog", "FirstSetInsurance")
    bad = list(
        Insurance.objects.filter(premium_amount__gt=models.F("insured_amount") * Decimal("0.03"))
        .values_list("pk", "policy_number", "premium_amount", "insured_amount")
    )
    if bad:
        listed = "; ".join(f"#{pk} {number}: premium {premium} on {insured}"
                           for pk, number, premium, insured in bad)
        raise RuntimeError(
            "These first-set insurance policies have a premium above 3 % of the insured amount "
            f"and must be corrected before this migration: {listed}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_kyc_documents_invitations'),
        ('catalog', '0003_default_categories'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='firstsetunit',
            options={'ordering': ['product', 'buyer', 'sequence', 'pk'], 'verbose_name': 'first-set unit in use'},
        ),
        migrations.RemoveConstraint(
            model_name='firstsetunit',
            name='unit_serial_unique',
        ),
        migrations.RemoveConstraint(
            model_name='firstsetunit',
            name='unit_sequence_positive',
        ),
        migrations.RemoveConstraint(
            model_name='firstsetunit',
            name='unit_first_three_count',
        ),
        migrations.AddField(
            model_name='firstsetunit',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='firstsetunit',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed or rejected by'),
        ),
        migrations.AddField(
            model_name='firstsetunit',
            name='decision_reason',
            field=models.TextField(blank=True, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='firstsetunit',
            name='status',
            # units recorded before confirmations existed keep counting
            field=models.CharField(choices=[('claimed', "Awaiting the buyer's confirmation"), ('confirmed', 'Confirmed'), ('rejected', 'Rejected')], db_index=True, default='confirmed', max_length=20, verbose_name='status'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='firstsetunit',
            name='status',
            field=models.CharField(choices=[('claimed', "Awaiting the buyer's confirmation"), ('confirmed', 'Confirmed'), ('rejected', 'Rejected')], db_index=True, default='claimed', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='certificationdocument',
            name='file',
            field=models.FileField(max_length=200, storage=marketplace.core.storage.private_storage, upload_to=catalog.models.certification_document_path),
        ),
        migrations.AlterField(
            model_name='firstsetinsurance',
            name='currency',
            field=models.CharField(default=catalog.models.default_currency, max_length=3, verbose_name='currency'),
        ),
        migrations.AlterField(
            model_name='firstsetunit',
            name='counts_as_first_set',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name='firstsetunit',
            name='sequence',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='product',
            name='price_currency',
            field=models.CharField(default=catalog.models.default_currency, max_length=3, verbose_name='currency'),
        ),
        migrations.RunPython(refuse_premiums_above_cap, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='firstsetinsurance',
            constraint=models.CheckConstraint(condition=models.Q(('premium_amount__lte', django.db.models.expressions.CombinedExpression(models.F('insured_amount'), '*', models.Value(Decimal('0.03'))))), name='insurance_premium_at_most_3_percent'),
        ),
        migrations.AddConstraint(
            model_name='firstsetunit',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'rejected'), _negated=True), fields=('product', 'serial_number'), name='unit_serial_unique'),
        ),
        migrations.AddConstraint(
            model_name='firstsetunit',
            constraint=models.CheckConstraint(condition=models.Q(('sequence__isnull', True), ('sequence__gte', 1), _connector='OR'), name='unit_sequence_positive'),
        ),
        migrations.AddConstraint(
            model_name='firstsetunit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('counts_as_first_set', True), ('sequence__isnull', False), ('sequence__lte', 3), ('status', 'confirmed')), models.Q(('counts_as_first_set', False), ('sequence__gt', 3), ('sequence__isnull', False), ('status', 'confirmed')), models.Q(models.Q(('status', 'confirmed'), _negated=True), ('counts_as_first_set', False), ('sequence__isnull', True)), _connector='OR'), name='unit_first_three_count'),
        ),
    ]
