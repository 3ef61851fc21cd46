"""The payments API (DRF, in the OpenAPI schema): thin views over services and selectors."""
