from search.contract import SearchQuery
from search.service import search


def run(backend, text="", *, language="zh-hans", **kwargs):
    return search(SearchQuery(text=text, language=language, **kwargs), backend=backend)


def ids(result, doc_type="product"):
    return [h.id for h in result.hits if h.doc_type == doc_type]


def counts(result, facet):
    return {v.value: v.count for v in result.facets[facet]}
