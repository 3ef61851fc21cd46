"""The database backend's denormalised index: one row per searchable document.

On PostgreSQL ``search_vector`` holds the Chinese bigrams (segmented in Python, see
``search.text``) in the ``simple`` form and the English text through the ``english``
configuration, weighted A (title) / B (summary) / C (description) / D (other words);
it has a GIN index, and ``title_all`` a pg_trgm GIN index for typo tolerance and
suggestions (both created by migration 0001 only on PostgreSQL). On SQLite the vector
stays empty and the text columns are matched directly.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    doc_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    url = models.CharField(max_length=300)

    title_zh = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    title_all = models.CharField(max_length=601, blank=True)
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    body_zh = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True)

    category_path = models.CharField(max_length=500, blank=True)
    category_label_zh = models.CharField(max_length=300, blank=True)
    category_label_en = models.CharField(max_length=300, blank=True)
    district = models.CharField(max_length=50, blank=True)
    makerspace = models.CharField(max_length=80, blank=True)
    makerspace_label_zh = models.CharField(max_length=200, blank=True)
    makerspace_label_en = models.CharField(max_length=200, blank=True)
    stage = models.CharField(max_length=20, blank=True)
    certified = models.BooleanField(null=True)
    first_set = models.BooleanField(null=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    suggest = models.JSONField(default=list)
    extra = models.JSONField(default=dict)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_entry_unique")
        ]
        indexes = [
            models.Index(fields=["doc_type", "-created_at", "-id"], name="search_entry_newest"),
            models.Index(fields=["doc_type", "price", "id"], name="search_entry_price"),
            models.Index(fields=["category_path"], name="search_entry_category"),
        ]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title_zh or self.title_en}"
