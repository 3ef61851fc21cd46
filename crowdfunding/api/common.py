"""Helpers of the crowdfunding API views."""

from marketplace.core.schema import error_responses


def errors(*codes: int) -> dict:
    return error_responses(*codes)
