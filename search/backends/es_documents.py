"""Elasticsearch mappings, one ``elasticsearch.dsl`` Document class per document type.

Chinese fields use the built-in ``cjk`` analyzer (bigrams, like the database backend's
segmentation), English fields the ``english`` analyzer (stemming, stop words). Every
text field is copied into ``all_text`` so a query may mix languages across fields.
Facet fields are keywords; category and makerspace also have a ``*_facet`` keyword that
carries the labels with the value (``value<US>zh<US>en``), so one terms aggregation
gives counts and labels without a second lookup. ``codes`` holds the normalised keys of
the document's identifiers and of the codes in its titles (``ls147``), ``title_keys``
the titles as an exact match compares them (``search.terms``).

Each registered document type gets its own mapping (:func:`index_document`): these
common fields plus the extra fields it declares.
"""

from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Long,
    Object,
    ScaledFloat,
    Text,
)

from search.documents import SearchDocument
from search.terms import document_keys

LABEL_SEPARATOR = "\u001f"


def _zh():
    return Text(analyzer="cjk", copy_to="all_text")


def _en():
    return Text(analyzer="english", copy_to="all_text")


class BaseIndexDocument(Document):
    doc_type = Keyword()
    doc_key = Keyword()
    object_id = Long()
    url = Keyword(index=False)
    title_zh = Text(analyzer="cjk", copy_to="all_text", fields={"raw": Keyword(ignore_above=256)})
    title_en = Text(analyzer="english", copy_to="all_text",
                    fields={"raw": Keyword(ignore_above=256)})
    summary_zh = _zh()
    summary_en = _en()
    body_zh = _zh()
    body_en = _en()
    keywords = Text(analyzer="cjk", copy_to="all_text")
    all_text = Text(analyzer="cjk")
    category = Keyword()
    category_paths = Keyword()
    category_facet = Keyword()
    category_label_zh = Keyword(index=False)
    category_label_en = Keyword(index=False)
    district = Keyword()
    makerspace = Keyword()
    makerspace_facet = Keyword()
    makerspace_label_zh = Keyword(index=False)
    makerspace_label_en = Keyword(index=False)
    stage = Keyword()
    certified = Boolean()
    first_set = Boolean()
    price = ScaledFloat(scaling_factor=100)
    currency = Keyword()
    status = Keyword()
    created_at = Date()
    codes = Keyword()
    title_keys = Keyword()
    suggest = Completion()
    extra = Object(enabled=False)

    @classmethod
    def fields_from(cls, doc: SearchDocument) -> dict:
        """Type-specific fields taken from ``doc.extra`` (none by default)."""
        return {}

    @classmethod
    def source(cls, doc: SearchDocument) -> dict:
        def facet(value, zh, en):
            return LABEL_SEPARATOR.join((value, zh, en)) if value else None

        body = {
            "doc_type": doc.doc_type,
            "doc_key": doc.key,
            "object_id": doc.object_id,
            "url": doc.url,
            "title_zh": doc.title_zh,
            "title_en": doc.title_en,
            "summary_zh": doc.summary_zh,
            "summary_en": doc.summary_en,
            "body_zh": doc.body_zh,
            "body_en": doc.body_en,
            "keywords": doc.matching_keywords,
            "category": doc.category or None,
            "category_paths": doc.category_paths,
            "category_facet": facet(doc.category, doc.category_label_zh,
                                    doc.category_label_en),
            "category_label_zh": doc.category_label_zh,
            "category_label_en": doc.category_label_en,
            "district": doc.district or None,
            "makerspace": doc.makerspace or None,
            "makerspace_facet": facet(doc.makerspace, doc.makerspace_label_zh,
                                      doc.makerspace_label_en),
            "makerspace_label_zh": doc.makerspace_label_zh,
            "makerspace_label_en": doc.makerspace_label_en,
            "stage": doc.stage or None,
            "certified": doc.certified,
            "first_set": doc.first_set,
            # a string keeps the exact decimal in _source; the field coerces it
            "price": None if doc.price is None else str(doc.price),
            "currency": doc.currency or None,
            "status": doc.status or None,
            "created_at": doc.created_at.isoformat(),
            "codes": document_keys(doc).all_codes,
            "title_keys": document_keys(doc).title_keys,
            "suggest": {"input": [s for s in doc.suggest if s][:10]},
            "extra": doc.extra,
        }
        body.update(cls.fields_from(doc))
        return body


FIELD_KINDS = {
    "keyword": Keyword,
    "date": Date,
    "integer": Integer,
    "float": Float,
    "boolean": Boolean,
}


def _coerce(kind: str, value):
    if value in (None, ""):
        return None
    if kind == "float":
        return float(value)
    if kind == "integer":
        return int(value)
    return value


_classes: dict[str, tuple[object, type[BaseIndexDocument]]] = {}


def index_document(document_type) -> type[BaseIndexDocument]:
    """The mapping of one registered type: the common fields plus its ``index_fields``
    (values taken from ``document.extra``). Built once per registration."""
    cached = _classes.get(document_type.doc_type)
    if cached is not None and cached[0] is document_type:
        return cached[1]
    fields = {name: kind for name, kind in document_type.index_fields.items()
              if name not in BaseIndexDocument._doc_type.mapping}
    attrs = {name: FIELD_KINDS[kind]() for name, kind in fields.items()}

    @classmethod
    def fields_from(cls, doc):
        return {name: _coerce(kind, doc.extra.get(name)) for name, kind in fields.items()}

    attrs["fields_from"] = fields_from
    name = "".join(part.title() for part in document_type.doc_type.split("_")) + "IndexDocument"
    cls = type(name, (BaseIndexDocument,), attrs)
    _classes[document_type.doc_type] = (document_type, cls)
    return cls
