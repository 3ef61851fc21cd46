"""The public audit API and the transparency page. Proofs are checked with the small
independent verifier of test_audit_merkle (hashlib only), and signatures with
``cryptography`` directly, the way a supplier holding an export would."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from drf_spectacular.generators import SchemaGenerator

from marketplace.core.audit.checkpoints import audit_checkpoint_create
from marketplace.core.models import AuditStream
from tests.core.factories import AuditEventFactory
from tests.core.test_audit_merkle import verify_inclusion


def verify_export(document: dict) -> dict:
    """What anyone holding an export does: check the signature, read the statement."""
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(document["public_key"]))
    public.verify(base64.b64decode(document["signature"]), document["statement"].encode())
    return json.loads(document["statement"])


@pytest.fixture
def checkpoints(audit_streams):
    first = audit_checkpoint_create()
    AuditEventFactory(stream=audit_streams[1])
    second = audit_checkpoint_create()
    return first, second


def test_checkpoints_are_listed_publicly_newest_first(api_client, checkpoints,
                                                      django_assert_num_queries):
    audit_checkpoint_create()
    with django_assert_num_queries(2):  # count and page, however many checkpoints
        response = api_client.get("/api/audit/checkpoints/?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is not None
    assert [c["number"] for c in body["results"]] == [3, 2]
    assert set(body["results"][0]) == {"number", "created_at", "tree_size", "event_count",
                                       "root_hash", "prev_hash", "hash", "key_id", "signature"}
    assert body["results"][1]["hash"] == body["results"][0]["prev_hash"]


def test_a_checkpoint_and_its_export_verify_with_the_published_key(api_client, checkpoints):
    _, second = checkpoints
    detail = api_client.get(f"/api/audit/checkpoints/{second.number}/").json()
    assert detail["root_hash"] == second.root_hash
    export = api_client.get(f"/api/audit/checkpoints/{second.number}/export/")
    assert export.status_code == 200
    assert 'filename="audit-checkpoint-2.json"' in export["Content-Disposition"]
    document = export.json()
    assert document == detail["export"]
    statement = verify_export(document)
    assert (statement["number"], statement["root_hash"], statement["prev_hash"]) == (
        2, second.root_hash, checkpoints[0].hash
    )
    assert hashlib.sha256(document["statement"].encode()).hexdigest() == second.hash
    keys = api_client.get("/api/audit/public-key/").json()["keys"]
    assert [(k["key_id"], k["public_key"], k["current"], k["algorithm"]) for k in keys] == [
        (document["key_id"], document["public_key"], True, "Ed25519")
    ]


@pytest.mark.parametrize(("language", "message"), [
    ("en", "There is no audit checkpoint #9."), ("zh-hans", "没有第 9 号审计检查点。"),
])
def test_an_unknown_checkpoint_is_a_404_people_understand(api_client, checkpoints, language,
                                                          message):
    response = api_client.get("/api/audit/checkpoints/9/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": message, "code": "not_found"}


def test_an_inclusion_proof_verifies_without_the_project_code(api_client, checkpoints,
                                                             audit_streams):
    _, second = checkpoints
    name = audit_streams[1]
    response = api_client.get(f"/api/audit/streams/{name}/proof/")
    assert response.status_code == 200
    proof = response.json()
    head = AuditStream.objects.get(name=name)
    leaf = (hashlib.sha256(name.encode()).digest() + head.last_seq.to_bytes(8, "big")
            + bytes.fromhex(head.head_hash))
    assert proof["leaf"] == leaf.hex()
    assert (proof["checkpoint"], proof["seq"], proof["hash"]) == (2, 3, head.head_hash)
    statement = verify_export(proof["checkpoint_export"])
    assert verify_inclusion(
        hashlib.sha256(b"\x00" + leaf).digest(), proof["leaf_index"], statement["tree_size"],
        [bytes.fromhex(node) for node in proof["audit_path"]],
        bytes.fromhex(statement["root_hash"]),
    )
    # nothing of the other streams: their names appear nowhere
    assert not any(other in response.content.decode() for other in audit_streams if other != name)


def test_a_proof_for_an_older_checkpoint_proves_the_older_head(api_client, checkpoints,
                                                              audit_streams):
    proof = api_client.get(f"/api/audit/streams/{audit_streams[1]}/proof/?checkpoint=1").json()
    assert (proof["checkpoint"], proof["seq"]) == (1, 2)
    statement = verify_export(proof["checkpoint_export"])
    leaf = bytes.fromhex(proof["leaf"])
    assert verify_inclusion(hashlib.sha256(b"\x00" + leaf).digest(), proof["leaf_index"],
                            statement["tree_size"],
                            [bytes.fromhex(n) for n in proof["audit_path"]],
                            bytes.fromhex(statement["root_hash"]))


def test_a_proof_is_computed_once(api_client, checkpoints, audit_streams,
                                  django_assert_max_num_queries):
    url = f"/api/audit/streams/{audit_streams[0]}/proof/"
    first = api_client.get(url).json()
    with django_assert_max_num_queries(1):  # the checkpoint; the proof comes from the cache
        assert api_client.get(url).json() == first


@pytest.mark.parametrize(("url", "status", "code"), [
    ("/api/audit/streams/not.a.stream:1/proof/", 404, "not_found"),
    ("/api/audit/streams/platform/proof/?checkpoint=99", 404, "not_found"),
    ("/api/audit/streams/platform/proof/?checkpoint=abc", 400, "invalid"),
    ("/api/audit/streams/platform/proof/?checkpoint=0", 400, "invalid"),
])
def test_bad_proof_requests_get_a_clear_4xx(api_client, checkpoints, url, status, code):
    response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_stream_not_in_the_checkpoint_yet_is_named_so(api_client, checkpoints):
    AuditEventFactory(stream="accounts.user:77")
    response = api_client.get("/api/audit/streams/accounts.user:77/proof/",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Audit checkpoint #2 does not cover this stream."


def test_without_checkpoints_the_proof_says_none_is_published(api_client, audit_streams):
    response = api_client.get("/api/audit/streams/platform/proof/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["detail"] == "No audit checkpoint has been published yet."


def test_proofs_have_a_rate_limit_of_their_own(api_client, checkpoints, settings):
    settings.AUDIT_PROOF_THROTTLE = "2/min"
    for _ in range(2):
        assert api_client.get("/api/audit/streams/platform/proof/").status_code == 200
    response = api_client.get("/api/audit/streams/platform/proof/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_the_audit_endpoints_are_in_the_openapi_schema(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/audit/checkpoints/", "/api/audit/checkpoints/{number}/",
                 "/api/audit/checkpoints/{number}/export/", "/api/audit/public-key/",
                 "/api/audit/streams/{name}/proof/"):
        assert "get" in paths[path], path


def test_the_transparency_page_shows_the_latest_checkpoint(client, checkpoints):
    _, second = checkpoints
    page = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Latest checkpoint: #2" in page
    assert second.root_hash in page
    assert "/api/audit/checkpoints/2/export/" in page
    zh = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "最新检查点：第 2 号" in zh


def test_the_transparency_page_before_any_checkpoint_and_the_footer_link(client, db):
    page = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No audit checkpoint has been published yet." in page
    assert 'href="/transparency/"' in client.get("/").content.decode()
