"""The seeded generator of @maze-sim/maze (``createRng``): sfc32 seeded through splitmix32.

The same seed gives the same stream as the TypeScript one, number for number, so a strategy that
draws from it walks exactly as its TypeScript twin does.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFF
_TWO_POW_32 = 4294967296


def _imul(a: int, b: int) -> int:
    """``Math.imul`` on unsigned 32-bit values: the low 32 bits of the product."""
    return (a * b) & _MASK


class Rng:
    """A small, fast, seeded PRNG: identical streams on every machine and in both languages."""

    __slots__ = ("_a", "_b", "_c", "_d")

    def __init__(self, seed: int) -> None:
        s = seed & _MASK

        def splitmix() -> int:
            nonlocal s
            s = (s + 0x9E3779B9) & _MASK
            z = s
            z = _imul(z ^ (z >> 16), 0x85EBCA6B)
            z = _imul(z ^ (z >> 13), 0xC2B2AE35)
            return (z ^ (z >> 16)) & _MASK

        self._a, self._b, self._c, self._d = splitmix(), splitmix(), splitmix(), splitmix()
        for _ in range(12):
            self.next_uint32()

    def next_uint32(self) -> int:
        """A uniformly distributed unsigned 32-bit integer."""
        a, b, c, d = self._a, self._b, self._c, self._d
        t = (a + b + d) & _MASK
        self._d = (d + 1) & _MASK
        self._a = b ^ (b >> 9)
        self._b = (c + (c << 3)) & _MASK
        self._c = ((((c << 21) | (c >> 11)) & _MASK) + t) & _MASK
        return t

    def float(self) -> float:
        """A float in [0, 1)."""
        return self.next_uint32() / _TWO_POW_32

    def int(self, n: int) -> int:
        """An integer in [0, n): ``floor(u / 2**32 * n)``, in doubles, as the TypeScript one."""
        return int((self.next_uint32() / _TWO_POW_32) * n)


def create_rng(seed: int) -> Rng:
    """A generator from any integer seed (only its low 32 bits are used)."""
    return Rng(seed)
