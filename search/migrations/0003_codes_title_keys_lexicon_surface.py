"""Codes and title keys of the texts (matched and ranked on SQLite), and the spelling
"did you mean" proposes for each lexicon word. Existing indexes get them with
``manage.py search_reindex``; until then codes and exact titles are not boosted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_narrow_entries_text_labels_lexicon'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchentrytext',
            name='codes',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='searchentrytext',
            name='title_keys',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='searchlexicon',
            name='surface',
            field=models.CharField(blank=True, default='', max_length=100),
        ),
        migrations.AddIndex(
            model_name='searchlexicon',
            index=models.Index(fields=['surface'], name='search_lexicon_surface'),
        ),
    ]
