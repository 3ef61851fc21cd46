"""What one stream head contributes to a checkpoint's Merkle tree.

A leaf is 72 bytes::

    SHA-256(UTF-8 stream name)  (32)  ||  sequence number, unsigned 64-bit big-endian (8)
                                      ||  hash of the event at that number (32)

and the leaves are ordered by the first 32 bytes (the *stream key*). The leaf carries
a hash of the stream name rather than the name, so that a proof, or any copy of leaves
that travels, does not spell out business facts ("procurement.bid:42"), and the order is
by hash so that a leaf's position says nothing about how many streams of a kind exist.
Whoever knows a stream's name computes its key; docs/audit.md says why this is not a
secret (names with small ids can be guessed) and what the public proofs reveal.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from marketplace.core.audit import merkle


def stream_key(name: str) -> bytes:
    return hashlib.sha256(name.encode("utf-8")).digest()


@dataclass(frozen=True, slots=True)
class Leaf:
    """A stream head as a checkpoint covers it: the stream, its last sequence number and
    the hash of the event at that number (hex, as the events store it)."""

    stream: str
    seq: int
    hash: str

    @property
    def key(self) -> bytes:
        return stream_key(self.stream)

    def encode(self) -> bytes:
        return self.key + self.seq.to_bytes(8, "big") + bytes.fromhex(self.hash)


@dataclass(frozen=True)
class Tree:
    """Leaves in canonical order with their stream keys and leaf hashes, and the root."""

    leaves: list[Leaf]
    keys: list[bytes]
    leaf_hashes: list[bytes]
    root: bytes

    @property
    def size(self) -> int:
        return len(self.leaves)

    @property
    def event_count(self) -> int:
        """Events the tree covers: every stream's chain from #1 to its leaf."""
        return sum(leaf.seq for leaf in self.leaves)

    def index_of(self, stream: str) -> int | None:
        key = stream_key(stream)
        index = bisect_left(self.keys, key)
        if index < len(self.keys) and self.keys[index] == key:
            return index
        return None


def build_tree(leaves: Iterable[Leaf]) -> Tree:
    leaves = list(leaves)
    # Each stream key is computed once and the order sorted by index (comparing bytes,
    # not tuples): this is most of a checkpoint's CPU time at 100,000 streams.
    keys = [stream_key(leaf.stream) for leaf in leaves]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    keys = [keys[i] for i in order]
    leaves = [leaves[i] for i in order]
    hashes = [
        merkle.leaf_hash(key + leaf.seq.to_bytes(8, "big") + bytes.fromhex(leaf.hash))
        for key, leaf in zip(keys, leaves, strict=True)
    ]
    return Tree(leaves=leaves, keys=keys, leaf_hashes=hashes, root=merkle.tree_root(hashes))
