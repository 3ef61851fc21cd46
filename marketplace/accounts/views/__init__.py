"""Pages of the accounts app, split by subdomain."""
