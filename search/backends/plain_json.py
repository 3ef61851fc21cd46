"""A transport node that speaks plain ``application/json``.

The Elasticsearch 9 client sends ``application/vnd.elasticsearch+json;
compatible-with=9``; OpenSearch-compatible servers such as osmem-server (used in tests
and the benchmark) only accept plain JSON. Select it with
``ELASTICSEARCH_NODE_CLASS=search.backends.plain_json.PlainJsonHttpNode`` or pass it as
``node_class``. Real Elasticsearch does not need it.
"""

from __future__ import annotations

from elastic_transport import Urllib3HttpNode


def _plain(value: str) -> str:
    return "application/x-ndjson" if "ndjson" in value else "application/json"


class PlainJsonHttpNode(Urllib3HttpNode):
    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        headers = headers.copy() if headers is not None else None
        if headers is not None:
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = _plain(headers[name])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)
