from marketplace.settings.env import env

# ELASTICSEARCH_URL set -> Elasticsearch backend; otherwise the database backend.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="marketplace")
# Optional transport node class (dotted path), e.g.
# search.backends.plain_json.PlainJsonHttpNode for OpenSearch-compatible servers.
ELASTICSEARCH_NODE_CLASS = env("ELASTICSEARCH_NODE_CLASS", default="")
SEARCH_BACKEND = env(
    "SEARCH_BACKEND",
    default="search.backends.elasticsearch.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "search.backends.database.DatabaseBackend",
)
