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
    """Leaves in canonical order with their leaf hashes, and the root over them."""

    leaves: list[Leaf]
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
        low, high = 0, len(self.leaves)
        while low < high:  # binary search over the keys, which are the sort order
            middle = (low + high) // 2
            if self.leaves[middle].key < key:
                low = middle + 1
            else:
                high = middle
        if low < len(self.leaves) and self.leaves[low].stream == stream:
            return low
        return None


def build_tree(leaves: Iterable[Leaf]) -> Tree:
    ordered = sorted(leaves, key=lambda leaf: leaf.key)
    hashes = [merkle.leaf_hash(leaf.encode()) for leaf in ordered]
    return Tree(leaves=ordered, leaf_hashes=hashes, root=merkle.tree_root(hashes))
