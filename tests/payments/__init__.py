"""Tests of the payments package and of the fake Stripe server."""
