import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from marketplace.core.schema import nested_component_name


class PledgeCreateApi:
    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class TopLevelSerializer(serializers.Serializer):
    pass


def test_nested_serializers_are_named_after_their_view():
    assert nested_component_name(PledgeCreateApi.InputSerializer) == "PledgeCreateInputSerializer"
    assert nested_component_name(TopLevelSerializer) == "TopLevelSerializer"

    def local():
        class Inner(serializers.Serializer):
            pass

        return Inner

    assert nested_component_name(local()) == "Inner"


@pytest.mark.django_db
def test_notification_endpoints_have_distinct_component_names():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for name in ("NotificationMarkReadInputRequest", "NotificationMarkReadOutput", "NotificationOutput",
                 "NotificationPage"):
        assert name in components
    assert "/api/notifications/" in schema["paths"]
    assert "post" in schema["paths"]["/api/notifications/read"]
    assert "Input" not in components and "Output" not in components


@pytest.mark.django_db
def test_the_schema_says_what_the_responses_are():
    """Found by schemathesis: a category's parent may be null, a rate is a string, a
    required string of a request cannot be blank, and every operation documents the common
    error answers in the one error shape."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    parent = components["CategoryOutput"]["properties"]["parent"]
    assert parent.get("nullable") is True
    assert components["FirstSetInsuranceOutput"]["properties"]["rate_percent"]["type"] == "string"
    reason = components["ReasonInputRequest"]["properties"]["reason"]
    assert reason["minLength"] == 1
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "403", "404", "429"):
                assert status in operation["responses"], (method, path, status)
            assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}


@pytest.mark.django_db
def test_a_blank_or_patterned_text_is_any_of_not_one_of():
    """Found by schemathesis: ``q=`` matches both the pattern and the blank alternative,
    so ``oneOf`` called the empty search text invalid while the API (rightly) took it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/search/suggest/"]["get"]["parameters"]}
    assert "oneOf" not in params["q"]
    assert {"type": "string", "maxLength": 0} in params["q"]["anyOf"]
