"""Named random streams: one per source of randomness, all from one seed.

Each stream is spawned from the drill's ``SeedSequence`` with a stable key
derived from its name, so adding a member to one team, or a decision that
draws a duration, never shifts the draws of any other source (common random
numbers across configurations). There is no global random state.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    def __init__(self, seed: int | np.random.SeedSequence):
        if isinstance(seed, np.random.SeedSequence):
            self.root = seed
        else:
            if int(seed) < 0:
                raise ValueError("seed must be a non-negative integer")
            self.root = np.random.SeedSequence(int(seed))
        self._streams: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        rng = self._streams.get(name)
        if rng is None:
            seq = np.random.SeedSequence(
                entropy=self.root.entropy, spawn_key=(*self.root.spawn_key, stream_key(name))
            )
            rng = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = rng
        return rng


def replication_seed(master: int, rep: int) -> np.random.SeedSequence:
    """The seed of replication ``rep`` of a study: the same in every configuration."""
    return np.random.SeedSequence(master, spawn_key=(rep,))


class Uniforms:
    """Uniform draws from one stream, taken from numpy in blocks: the same
    sequence as drawing them one by one, at a fraction of the cost per draw."""

    __slots__ = ("_block", "_buffer", "_i", "_rng")

    def __init__(self, rng: np.random.Generator, block: int = 256):
        self._rng = rng
        self._block = block
        self._buffer: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        if self._i == len(self._buffer):
            self._buffer = self._rng.random(self._block).tolist()
            self._i = 0
        value = self._buffer[self._i]
        self._i += 1
        return value
