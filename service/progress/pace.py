"""Where a figure should be by a given day of the contract, and what that says about it. One
rule for the contract's targets and for each street's and community's share of them."""

from datetime import date

from models import Contract

DONE, ON_TRACK, BEHIND = "done", "on_track", "behind"


def elapsed_fraction(contract: Contract, as_of: date) -> float:
    """The share of the contract's days gone by the end of as_of (0 before it, 1 after it)."""
    if as_of < contract.start_date:
        return 0.0
    total = (contract.end_date - contract.start_date).days + 1
    return min(1.0, ((as_of - contract.start_date).days + 1) / total)


def expected_level(baseline: float, target: float, fraction: float) -> float:
    """A level that should rise evenly from where it stood at the start to the target."""
    return round(baseline + (target - baseline) * fraction, 2)


def status(actual: float, target: float, expected: float) -> str:
    if actual >= target:
        return DONE
    return ON_TRACK if actual >= expected else BEHIND
