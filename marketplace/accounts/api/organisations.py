from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts import selectors
from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import AccountsPerm, org_roles
from marketplace.accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from marketplace.accounts.services.organisations import (
    membership_change_role,
    membership_remove,
    organisation_create,
    organisation_update,
    organisation_verify,
)
from marketplace.core.permissions import require_perm


class OrganisationOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    unified_credit_code = serializers.CharField()
    district = serializers.CharField()
    description = serializers.CharField()
    website = serializers.CharField()
    is_verified = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class MembershipOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()
    user = serializers.SerializerMethodField()

    def get_user(self, membership) -> dict:
        user = membership.user
        return {"id": user.pk, "email": user.email, "display_name": user.display_name}


class MyOrganisationOutputSerializer(OrganisationOutputSerializer):
    my_role = serializers.CharField()
    member_count = serializers.IntegerField()


class InvitationOutputSerializer(serializers.Serializer):
    """Never contains the token: only the invited address receives it, by email."""

    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class OrganisationListCreateApi(APIView):
    """Organisations I belong to, with my role; create one (I become its owner)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=OrganisationKind.choices)
        name = serializers.CharField(max_length=200)
        slug = serializers.CharField(max_length=80, required=False, allow_blank=True)
        name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
        unified_credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
        district = serializers.CharField(max_length=50, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        website = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(responses=MyOrganisationOutputSerializer(many=True))
    def get(self, request):
        organisations = selectors.organisations_for_user(request.user)
        return Response(MyOrganisationOutputSerializer(organisations, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: MyOrganisationOutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = organisation_create(actor=request.user, **serializer.validated_data)
        organisation.my_role, organisation.member_count = MembershipRole.OWNER, 1
        return Response(MyOrganisationOutputSerializer(organisation).data,
                        status=status.HTTP_201_CREATED)


class OrganisationDetailApi(APIView):
    """An organisation with its members (members and staff); owners may change it."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(OrganisationOutputSerializer):
        my_roles = serializers.ListField(child=serializers.CharField())
        members = MembershipOutputSerializer(many=True)

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
        unified_credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
        district = serializers.CharField(max_length=50, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        website = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def _render(self, request, organisation):
        organisation.my_roles = sorted(org_roles(request.user, organisation))
        organisation.members = list(selectors.organisation_members(organisation))
        return Response(self.OutputSerializer(organisation).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request, slug: str):
        organisation = selectors.organisation_get_for_member(slug=slug, user=request.user)
        return self._render(request, organisation)

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def patch(self, request, slug: str):
        organisation = selectors.organisation_get(slug)
        require_perm(request.user, AccountsPerm.CHANGE_ORGANISATION, organisation)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation = organisation_update(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return self._render(request, organisation)


class StaffOrganisationVerifyApi(APIView):
    """Staff verify an organisation (a government agency then has buyer powers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OrganisationOutputSerializer)
    def post(self, request, slug: str):
        # staff only, checked before the look-up: others learn nothing about the slug
        require_perm(request.user, AccountsPerm.VERIFY_ORGANISATION,
                     message=_("Only platform staff may verify organisations."))
        organisation = selectors.organisation_get(slug)
        organisation = organisation_verify(organisation=organisation, actor=request.user)
        return Response(OrganisationOutputSerializer(organisation).data)


class MembershipDetailApi(APIView):
    """Change a member's role (owner) or remove a member (owner, or the member leaving)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=MembershipRole.choices)

    def _membership(self, request, slug, membership_id):
        organisation = selectors.organisation_get_for_member(slug=slug, user=request.user)
        return selectors.organisation_membership_get(
            organisation=organisation, membership_id=membership_id
        )

    @extend_schema(request=InputSerializer, responses=MembershipOutputSerializer)
    def patch(self, request, slug: str, membership_id: int):
        membership = self._membership(request, slug, membership_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_change_role(
            membership=membership, actor=request.user, role=serializer.validated_data["role"]
        )
        return Response(MembershipOutputSerializer(membership).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug: str, membership_id: int):
        membership = self._membership(request, slug, membership_id)
        membership_remove(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListCreateApi(APIView):
    """Pending invitations of an organisation; invite an email address (owners)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=MembershipRole.choices)

    def _organisation(self, request, slug):
        organisation = selectors.organisation_get(slug)
        require_perm(request.user, AccountsPerm.INVITE_MEMBER, organisation)
        return organisation

    @extend_schema(responses=InvitationOutputSerializer(many=True))
    def get(self, request, slug: str):
        organisation = self._organisation(request, slug)
        invitations = selectors.organisation_pending_invitations(organisation)
        return Response(InvitationOutputSerializer(invitations, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request, slug: str):
        organisation = self._organisation(request, slug)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_create(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return Response(InvitationOutputSerializer(invitation).data,
                        status=status.HTTP_201_CREATED)


class InvitationRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=InvitationOutputSerializer)
    def post(self, request, slug: str, invitation_id: int):
        organisation = selectors.organisation_get(slug)
        require_perm(request.user, AccountsPerm.REVOKE_INVITATION, organisation)
        invitation = selectors.organisation_invitation_get(
            organisation=organisation, invitation_id=invitation_id
        )
        invitation = invitation_revoke(invitation=invitation, actor=request.user)
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationAcceptApi(APIView):
    """Accept an invitation as the logged-in person (the invited, verified address)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        organisation = serializers.CharField(source="organisation.slug")
        role = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request, token: str):
        membership = invitation_accept(token=token, user=request.user)
        return Response(self.OutputSerializer(membership).data, status=status.HTTP_201_CREATED)
