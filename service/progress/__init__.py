"""Progress against the contract: the platform's user counts, the registry of promotion work,
and the targets computed from both."""
