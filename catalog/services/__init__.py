"""Catalogue services (writes), split by subdomain: products, images, makerspaces,
certification, first_sets."""
