"""128-bit integers (a HUGEINT, a DECIMAL(38,s)'s scaled integer) as int64 tensors of shape
(n, 2): the low word's 64 bits then the signed high word, Arrow's decimal128 layout.

Only a SUM whose result leaves int64 makes them (operators/group.py); everywhere else values stay
one int64 word. A wide column passes through projections, filters, joins' payloads and set
operations, and leaves as decimal128; an operator that would compute with its values raises
DataError rather than read one word of them (`require_narrow`).
"""

from __future__ import annotations

import torch

from tqp.errors import DataError

_TWO_64 = 2.0 ** 64


def is_wide(values: torch.Tensor) -> bool:
    """Does `values` hold 128-bit integers (two words a row)? (An INTERVAL's three words a row
    are not: storage/intervals.py.)"""
    return values.dim() == 2 and values.shape[1] == 2


def widen(values: torch.Tensor) -> torch.Tensor:
    """int64 values (or already wide ones) as 128-bit words: the high word extends the sign."""
    if is_wide(values):
        return values
    values = values.long()
    return torch.stack([values, values >> 63], dim=1)


def same_width(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """Tensors to concatenate, all widened where one is wide."""
    if not any(is_wide(t) for t in tensors):
        return tensors
    return [widen(t) for t in tensors]


def narrowed(words: torch.Tensor) -> torch.Tensor:
    """128-bit `words` as one int64 word a row where every value fits in int64 (one host sync),
    else unchanged."""
    low = words[:, 0]
    if bool((words[:, 1] == low >> 63).all()):
        return low.contiguous()
    return words


def key_words(values: torch.Tensor) -> list[torch.Tensor]:
    """`values` as int64 key columns ordered and compared like the values: itself, or for
    128-bit values the signed high word then the low word with its top bit flipped (so that
    signed order is its unsigned order). INTERVAL values (three words a row) give their
    normalised parts (storage/intervals.py)."""
    if values.dim() == 2 and values.shape[1] == 3:
        from tqp.storage.intervals import key_words as interval_words

        return interval_words(values)
    if not is_wide(values):
        return [values]
    return [values[:, 1], values[:, 0] ^ _SIGN_BIT]


_SIGN_BIT = -2**63


def to_double(values: torch.Tensor) -> torch.Tensor:
    """Integers (one or two words a row) as float64."""
    if not is_wide(values):
        return values.double()
    low = values[:, 0].double()
    unsigned_low = torch.where(low < 0, low + _TWO_64, low)  # the low word's bits are unsigned
    return values[:, 1].double() * _TWO_64 + unsigned_low


def require_narrow(values: torch.Tensor, what: str) -> None:
    """A DataError where an operation that computes with int64 values (`what`, e.g. "MIN")
    meets 128-bit ones."""
    if is_wide(values):
        raise DataError(f"Overflow in {what}: a SUM's value does not fit in 64 bits, and tqp "
                        "holds 128-bit values (HUGEINT, DECIMAL(38)) only to group, sort and "
                        "return them")
