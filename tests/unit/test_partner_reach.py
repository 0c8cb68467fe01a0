"""Partner reach: one rule (`kontor.access.partners_of`) for the gate, /me, copy-content and listings,
checked against a plain reading of it over random hierarchies and cut-offs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kontor.access import partners_of


def reference(ancestors: list[str], allows: dict[str, bool]) -> set[str]:
    """An ancestor reaches the tenant when every tenant strictly between them allows partner access."""
    reached = set()
    for index, ancestor in enumerate(ancestors):
        between = ancestors[index + 1 :]
        if all(allows[t] for t in between):
            reached.add(ancestor)
    return reached


@given(
    depth=st.integers(min_value=0, max_value=6),
    flags=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_the_rule_agrees_with_its_plain_reading(depth: int, flags: list[bool]) -> None:
    ancestors = [f"t{n}" for n in range(depth)]  # root first
    allows = {t: flags[n] for n, t in enumerate(ancestors)}

    reach = partners_of(ancestors, lambda t: allows[t])

    assert set(reach) == reference(ancestors, allows)
    assert reach == sorted(reach, key=ancestors.index, reverse=True)  # nearest first


def test_a_cut_off_in_between_stops_everyone_above_it() -> None:
    # P -> C -> G, and C switched partner access off: P no longer reaches G; C still does.
    assert partners_of(["P", "C"], lambda t: t != "C") == ["C"]
    assert partners_of(["P", "C"], lambda t: True) == ["C", "P"]
