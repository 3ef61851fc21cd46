"""The database backend's index (the Elasticsearch backend does not use these tables).

* ``SearchEntry``: one row per searchable document with only what matching,
  filtering, facet counting and ranking read. On PostgreSQL ``search_vector`` holds
  the Chinese bigrams of every text (segmented in Python, see ``search.text``), the
  English words through the ``english`` configuration and one lexeme per facet value,
  without positions (nothing needs them), under a GIN index; ``rank_vector`` holds the
  titles with positions and weights for ranking. Rebuilt by swapping in a new table
  (``search.backends.database_rebuild``).
* ``SearchEntryText``: what a result shows (titles, texts, URL, display data), read
  for one page of hits; its titles have a trigram index for suggestions.
* ``SearchFacetLabel``: labels of data-valued facets (category, makerspace).
* ``SearchLexicon``: the words of the index, for typo tolerance and "did you mean".

On SQLite (the embedded default) the vectors stay empty and the texts are matched with
LIKE (codes and title keys through ``SearchEntryText.codes`` / ``title_keys``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    doc_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    category_path = models.CharField(max_length=500, blank=True)
    district = models.CharField(max_length=50, blank=True)
    makerspace = models.CharField(max_length=80, blank=True)
    stage = models.CharField(max_length=20, blank=True)
    certified = models.BooleanField(null=True)
    first_set = models.BooleanField(null=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    search_vector = SearchVectorField(null=True)
    rank_vector = SearchVectorField(null=True)

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
        return f"{self.doc_type}:{self.object_id}"


class SearchEntryText(models.Model):
    doc_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    url = models.CharField(max_length=300)
    title_zh = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    body_zh = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    # normalised keys of the identifiers and title codes ("ls147"), and of the titles
    # as an exact match compares them, space-separated (matched and ranked on SQLite)
    codes = models.TextField(blank=True, default="")
    title_keys = models.TextField(blank=True, default="")
    currency = models.CharField(max_length=3, blank=True)
    suggest = models.JSONField(default=list)
    extra = models.JSONField(default=dict)
    indexed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_text_unique")
        ]

    def __str__(self):
        return f"{self.doc_type}:{self.object_id} {self.title_zh or self.title_en}"


class SearchFacetLabel(models.Model):
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=500)
    label_zh = models.CharField(max_length=300, blank=True)
    label_en = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_facet_label_unique")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchLexicon(models.Model):
    """Every word of the index, for typo tolerance and "did you mean": a query word the
    index does not know is widened to the known words within its edit distance. On
    PostgreSQL ``word`` is the English lexeme, found through a trigram index on this
    small table (as the pg_trgm manual suggests, rather than comparing the word with
    every document); on SQLite the lower-case word, compared in Python. ``surface`` is
    the shortest spelling seen, what "did you mean" proposes."""

    word = models.CharField(max_length=100, unique=True)
    surface = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        # typo widening looks one-edit spellings up by word and by surface
        indexes = [models.Index(fields=["surface"], name="search_lexicon_surface")]

    def __str__(self):
        return self.word
