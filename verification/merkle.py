"""The Merkle tree of RFC 6962 / RFC 9162 (Certificate Transparency), over SHA-256.

The dossier of an initiative publishes the root of a tree whose leaves are the
signatures' commitments; a signatory who kept their receipt code recomputes their
commitment and checks, with an inclusion proof, that it was counted. Leaves and inner
nodes are hashed with different prefixes (0x00, 0x01) so that an inner node can never
pass for a leaf (second-preimage protection, RFC 6962 §2.1).
"""

import hashlib
from collections.abc import Iterable

from .codes import RECEIPT_LENGTH, new_code

_COMMITMENT_PREFIX = b"petitions receipt v1\x1f"


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 hash of a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleBuilder:
    """Build a Merkle tree root leaf by leaf, in O(log n) memory."""

    def __init__(self):
        # Roots of complete subtrees, largest (leftmost) first, with their heights.
        # Heights strictly decrease along the stack: it mirrors the binary digits of
        # the leaf count, like a binary counter carrying.
        self._stack: list[tuple[bytes, int]] = []
        self._size = 0

    @property
    def size(self) -> int:
        """Return the number of leaves added so far."""
        return self._size

    def add(self, leaf_data: bytes) -> None:
        """Add one leaf (its data, hashed here) to the right of the tree."""
        node, height = leaf_hash(leaf_data), 0
        while self._stack and self._stack[-1][1] == height:
            left, _ = self._stack.pop()
            node, height = node_hash(left, node), height + 1
        self._stack.append((node, height))
        self._size += 1

    def root(self) -> bytes:
        """Return the RFC 6962 root of the leaves added so far."""
        if not self._stack:
            return hashlib.sha256(b"").digest()
        # RFC 6962 splits at the largest power of two below n, so the incomplete right
        # edge is folded right to left: the smallest subtrees join first.
        node = self._stack[-1][0]
        for left, _ in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """Return the RFC 6962 Merkle tree hash of the leaves, reading them once."""
    builder = MerkleBuilder()
    for leaf_data in leaves:
        builder.add(leaf_data)
    return builder.root()


def inclusion_proof(leaves: list[bytes], index: int) -> list[bytes]:
    """Return the RFC 6962 audit path of leaf ``index``, from the leaf upwards."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} outside a tree of {len(leaves)} leaves")
    hashes = [leaf_hash(leaf_data) for leaf_data in leaves]
    return _path(index, hashes)


def verify_inclusion(
    leaf_data: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """Return whether ``proof`` shows leaf ``index`` of a ``size``-leaf tree in ``root``."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} outside a tree of {size} leaves")
    # RFC 9162 §2.1.3.2: walk up from the leaf; fn is our position, sn the last
    # position at this level. Where fn is a right child (or the lone last node of a
    # level, which RFC 6962 promotes unchanged) the proof hash goes on the left.
    fn, sn = index, size - 1
    node = leaf_hash(leaf_data)
    for sibling in proof:
        if sn == 0:
            return False  # the proof is longer than the tree is high
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            # A left child that is last at its level: skip the levels where it is
            # promoted without a sibling.
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and node == root


def commitment(receipt_code: str, initiative_id: int) -> bytes:
    """Return the commitment of a receipt code to one initiative (a Merkle leaf)."""
    # The service stores this value, never the code: only the signatory, holding the
    # code, can find their leaf. Normalising lets them type it in any case, with or
    # without dashes or spaces; the initiative id keeps a code from matching elsewhere.
    code = "".join(
        c for c in receipt_code.upper() if "A" <= c <= "Z" or "0" <= c <= "9"
    )
    message = _COMMITMENT_PREFIX + str(initiative_id).encode() + b"\x1f" + code.encode()
    return hashlib.sha256(message).digest()


def new_receipt_code() -> str:
    """Return a fresh receipt code such as ``ABCD-EFGH-JKMN-PQRS-TUVW``."""
    return new_code(RECEIPT_LENGTH)


def _path(index: int, hashes: list[bytes]) -> list[bytes]:
    # RFC 6962 §2.1.1 PATH(m, D[n]), over leaf hashes. Recursion depth is the tree
    # height (log2 n), so even a 100,000-leaf dossier stays shallow.
    if len(hashes) <= 1:
        return []
    split = _largest_power_of_two_below(len(hashes))
    if index < split:
        return _path(index, hashes[:split]) + [_subtree_root(hashes[split:])]
    return _path(index - split, hashes[split:]) + [_subtree_root(hashes[:split])]


def _subtree_root(hashes: list[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    split = _largest_power_of_two_below(len(hashes))
    return node_hash(_subtree_root(hashes[:split]), _subtree_root(hashes[split:]))


def _largest_power_of_two_below(n: int) -> int:
    # The k of RFC 6962: the largest power of two strictly smaller than n (n > 1).
    return 1 << ((n - 1).bit_length() - 1)
