"""The RFC 9162 tree hash and audit paths, against the RFC's own definitions written out
here and the Certificate Transparency reference vectors."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.core.audit import merkle
from marketplace.core.audit.leaves import Leaf, build_tree, stream_key

# The Certificate Transparency reference inputs and tree heads (RFC 6962 = RFC 9162
# for the tree hash), as every CT implementation's tests carry them.
CT_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path) from the same vectors
CT_PATHS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def rfc_mth(entries: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, literally: split at the largest power of two smaller than n."""
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + rfc_mth(entries[:k]) + rfc_mth(entries[k:]))


def rfc_path(m: int, entries: list[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1, literally."""
    n = len(entries)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return rfc_path(m, entries[:k]) + [rfc_mth(entries[k:])]
    return rfc_path(m - k, entries[k:]) + [rfc_mth(entries[:k])]


def verify_inclusion(leaf_hash: bytes, index: int, size: int, path: list[bytes],
                     root: bytes) -> bool:
    """RFC 9162 2.1.3.2, the verifier a supplier would write."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def test_roots_match_the_certificate_transparency_vectors():
    inputs = [bytes.fromhex(h) for h in CT_INPUTS]
    for size in range(len(inputs) + 1):
        hashes = [merkle.leaf_hash(d) for d in inputs[:size]]
        assert merkle.tree_root(hashes).hex() == CT_ROOTS[size], size


@pytest.mark.parametrize(("index", "size", "expected"), CT_PATHS)
def test_audit_paths_match_the_certificate_transparency_vectors(index, size, expected):
    hashes = [merkle.leaf_hash(bytes.fromhex(h)) for h in CT_INPUTS[:size]]
    assert [node.hex() for node in merkle.inclusion_path(hashes, index)] == expected


def test_every_shape_agrees_with_the_rfc_definitions_and_every_path_verifies():
    entries = [bytes([i, i * 7 % 256]) for i in range(70)]
    for size in range(1, len(entries) + 1):
        tree = entries[:size]
        hashes = [merkle.leaf_hash(e) for e in tree]
        root = merkle.tree_root(hashes)
        assert root == rfc_mth(tree), size
        for index in range(size):
            path = merkle.inclusion_path(hashes, index)
            assert path == rfc_path(index, tree), (size, index)
            assert verify_inclusion(hashes[index], index, size, path, root)
            # the path proves this leaf at this place and nothing else
            assert not verify_inclusion(merkle.leaf_hash(b"other"), index, size, path, root)
            if size > 1:
                assert not verify_inclusion(hashes[index], (index + 1) % size, size, path, root)


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_random_trees(entries, data):
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1))
    hashes = [merkle.leaf_hash(e) for e in entries]
    root = merkle.tree_root(hashes)
    assert root == rfc_mth(entries)
    assert verify_inclusion(hashes[index], index, len(entries),
                            merkle.inclusion_path(hashes, index), root)


def test_a_leaf_outside_the_tree_has_no_path():
    with pytest.raises(IndexError):
        merkle.inclusion_path([merkle.leaf_hash(b"")], 1)


def test_a_leaf_is_the_stream_key_the_sequence_number_and_the_head_hash():
    leaf = Leaf("procurement.bid:42", 7, "ab" * 32)
    encoded = leaf.encode()
    assert len(encoded) == 72
    assert encoded[:32] == hashlib.sha256(b"procurement.bid:42").digest() == stream_key(leaf.stream)
    assert encoded[32:40] == (7).to_bytes(8, "big")
    assert encoded[40:] == bytes.fromhex("ab" * 32)
    assert b"procurement" not in encoded


def test_leaves_are_ordered_by_stream_key_and_found_by_name():
    names = [f"crowdfunding.campaign:{i}" for i in range(50)] + ["platform", "青岛.stream"]
    tree = build_tree(Leaf(name, i + 1, f"{i:064x}") for i, name in enumerate(names))
    keys = [leaf.key for leaf in tree.leaves]
    assert keys == sorted(keys)
    assert tree.size == len(names)
    assert tree.event_count == sum(range(1, len(names) + 1))
    for name in names:
        assert tree.leaves[tree.index_of(name)].stream == name
    assert tree.index_of("not.a.stream") is None
    assert tree.root == rfc_mth([leaf.encode() for leaf in tree.leaves])
