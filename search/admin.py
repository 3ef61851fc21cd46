"""Read-only views of the database backend's index, for staff to inspect what is
indexed. The index is written only by search.indexing (signals, tasks, search_reindex)."""

from django.contrib import admin

from search.models import SearchEntry, SearchEntryText, SearchFacetLabel, SearchLexicon


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnlyAdmin):
    list_display = ("doc_type", "object_id", "district", "stage", "certified", "first_set",
                    "price", "status", "created_at")
    list_filter = ("doc_type", "stage", "certified", "first_set", "status")
    search_fields = ("=object_id",)
    exclude = ("search_vector", "rank_vector")


@admin.register(SearchEntryText)
class SearchEntryTextAdmin(ReadOnlyAdmin):
    list_display = ("doc_type", "object_id", "title_zh", "title_en", "indexed_at")
    list_filter = ("doc_type",)
    search_fields = ("title_zh", "title_en", "=object_id")


@admin.register(SearchFacetLabel)
class SearchFacetLabelAdmin(ReadOnlyAdmin):
    list_display = ("facet", "value", "label_zh", "label_en")
    list_filter = ("facet",)
    search_fields = ("value", "label_zh", "label_en")


@admin.register(SearchLexicon)
class SearchLexiconAdmin(ReadOnlyAdmin):
    list_display = ("word",)
    search_fields = ("word",)
