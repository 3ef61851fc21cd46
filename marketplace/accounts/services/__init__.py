"""Writes of the accounts app, split by subdomain: users, kyc, organisations, invitations."""
