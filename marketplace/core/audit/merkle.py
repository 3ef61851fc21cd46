"""The Merkle tree hash of RFC 9162 (Certificate Transparency 2.0), section 2.1.

    MTH({})      = SHA-256()
    MTH({d0})    = SHA-256(0x00 || d0)                       leaf hash
    MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   node hash,
                   k the largest power of two smaller than n

Computed bottom-up: pairing neighbours level by level and lifting an odd last node
unchanged gives exactly the RFC's left-full tree (the tests check it against the RFC's
recursive definition and the Certificate Transparency reference vectors), without
recursion and with one pass over each level.

Inclusion proofs are the RFC's audit paths (2.1.3.1): the sibling hashes from the leaf
up to the root; anyone can recompute the root from a leaf, its index, the tree size and
the path with the RFC's algorithm (2.1.3.2) without seeing any other leaf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    sha256, prefix = hashlib.sha256, NODE_PREFIX
    paired = [sha256(prefix + level[i] + level[i + 1]).digest()
              for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        paired.append(level[-1])
    return paired


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The root over leaves already hashed with ``leaf_hash`` (in tree order)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def inclusion_path(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index``: sibling hashes, nearest to the leaf first."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaf_hashes)}")
    path: list[bytes] = []
    level = list(leaf_hashes)
    while len(level) > 1:
        sibling = index ^ 1
        # the odd last node of a level has no sibling: it is lifted as it is
        if sibling < len(level):
            path.append(level[sibling])
        level = _next_level(level)
        index //= 2
    return path

