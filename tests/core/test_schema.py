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
    for name in ("NotificationMarkReadInput", "NotificationMarkReadOutput", "NotificationOutput",
                 "NotificationPage"):
        assert name in components
    assert "/api/notifications/" in schema["paths"]
    assert "post" in schema["paths"]["/api/notifications/read"]
    assert "Input" not in components and "Output" not in components
