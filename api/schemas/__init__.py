"""Marshmallow schemas: the HTTP contract, shared by validation and the OpenAPI spec."""
