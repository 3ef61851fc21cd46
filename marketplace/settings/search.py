from marketplace.settings.env import env

# ELASTICSEARCH_URL set -> Elasticsearch backend; otherwise the database backend.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="marketplace")
SEARCH_BACKEND = env(
    "SEARCH_BACKEND",
    default="search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "search.backends.database.DatabaseBackend",
)
