"""Payer and payee API: saved cards, own payments, the payout account."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import NotFoundError
from marketplace.payments import selectors
from marketplace.payments.api.serializers import (
    PaymentsAttemptOutputSerializer,
    PaymentsCardInputSerializer,
    PaymentsCardOutputSerializer,
    PaymentsOnboardingLinkOutputSerializer,
    PaymentsPagination,
    PaymentsPayoutAccountOutputSerializer,
    errors,
)
from marketplace.payments.services.accounts import (
    payout_account_ensure,
    payout_account_onboarding_link,
)
from marketplace.payments.services.methods import payment_method_remove, payment_method_save


class CardListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PaymentsCardOutputSerializer(many=True)},
                   summary="My saved cards")
    def get(self, request):
        return Response(PaymentsCardOutputSerializer(
            selectors.payment_methods_of(request.user), many=True).data)

    @extend_schema(request=PaymentsCardInputSerializer,
                   responses={201: PaymentsCardOutputSerializer, **errors(400, 402, 503)},
                   summary="Save a card (SetupIntent); pending means 3-D Secure is needed")
    def post(self, request):
        serializer = PaymentsCardInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        method = payment_method_save(
            user=request.user, **serializer.validated_data,
            return_url=request.build_absolute_uri("/payments/cards/"))
        return Response(PaymentsCardOutputSerializer(method).data,
                        status=status.HTTP_201_CREATED)


class CardDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PaymentsCardOutputSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(PaymentsCardOutputSerializer(
            selectors.payment_method_get_for_viewer(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None, **errors(404, 409)}, summary="Remove my card")
    def delete(self, request, pk: int):
        method = selectors.payment_method_get_for_viewer(user=request.user, pk=pk)
        payment_method_remove(actor=request.user, method=method)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttemptListApi(generics.ListAPIView):
    """My payments (staff: every payment)."""

    serializer_class = PaymentsAttemptOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = PaymentsPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.attempts_for_viewer(self.request.user)


class AttemptDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PaymentsAttemptOutputSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(PaymentsAttemptOutputSerializer(
            selectors.attempt_get_for_viewer(user=request.user, pk=pk)).data)


class PayoutAccountApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PaymentsPayoutAccountOutputSerializer, **errors(404)},
                   summary="The organisation's payout account (404 before it exists)")
    def get(self, request, slug: str):
        organisation = organisation_get(slug)
        account = selectors.payout_account_for_viewer(user=request.user,
                                                      organisation=organisation)
        if account is None:
            raise NotFoundError()
        return Response(PaymentsPayoutAccountOutputSerializer(account).data)

    @extend_schema(request=None, responses={200: PaymentsPayoutAccountOutputSerializer,
                                            **errors(403, 404, 503)},
                   summary="Create the payout account at the provider (owners)")
    def post(self, request, slug: str):
        organisation = organisation_get(slug)
        # someone outside the organisation learns nothing of it: 404, as for GET
        selectors.payout_account_for_viewer(user=request.user, organisation=organisation)
        account = payout_account_ensure(actor=request.user, organisation=organisation)
        return Response(PaymentsPayoutAccountOutputSerializer(account).data)


class OnboardingLinkApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PaymentsOnboardingLinkOutputSerializer,
                                            **errors(403, 404, 409, 503)},
                   summary="A one-time onboarding link (owners)")
    def post(self, request, slug: str):
        organisation = organisation_get(slug)
        selectors.payout_account_for_viewer(user=request.user, organisation=organisation)
        account = payout_account_ensure(actor=request.user, organisation=organisation)
        back = request.build_absolute_uri(f"/payments/payout-account/{slug}/")
        url = payout_account_onboarding_link(actor=request.user, account=account,
                                             refresh_url=back, return_url=back + "?returned=1")
        return Response({"url": url})
