"""Use cases and business rules. Each write use case owns its transaction and commits once."""
