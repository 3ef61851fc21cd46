"""Organisation verification becomes a status moved by a state machine (unverified <->
verified) instead of a boolean set by hand; existing verified organisations stay so."""

from django.db import migrations, models


def forward(apps, schema_editor):
    organisations = apps.get_model("accounts", "Organisation").objects.using(
        schema_editor.connection.alias)
    organisations.filter(is_verified=True).update(verification_status="verified")


def backward(apps, schema_editor):
    organisations = apps.get_model("accounts", "Organisation").objects.using(
        schema_editor.connection.alias)
    organisations.filter(verification_status="verified").update(is_verified=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_kyc_documents_invitations")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="verification_status",
            field=models.CharField(
                choices=[("unverified", "Not yet verified"), ("verified", "Verified by staff")],
                db_index=True, default="unverified", max_length=20, verbose_name="verification",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="organisation", name="is_verified"),
    ]
