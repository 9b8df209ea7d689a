"""Keys, sealed records and the Merkle tree of receipts, with no app."""

import hashlib
import re

import pytest

from verification.keys import (
    KeyFileError,
    WrongPassphrase,
    fingerprint,
    generate_sealing_key,
    generate_signing_key,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
)
from verification.merkle import (
    MerkleBuilder,
    commitment,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    new_receipt_code,
    node_hash,
    verify_inclusion,
)
from verification.sealing import (
    SealedDataError,
    open_record,
    open_sealed,
    open_with_any,
    seal,
    seal_record,
    sealed_key_id,
)

AAD = b"initiative 7 signature 42"
PASSPHRASE = b"correct horse battery staple"


# --- keys ---------------------------------------------------------------------------


def test_a_private_key_pem_opens_with_its_passphrase():
    key = generate_sealing_key()
    pem = private_key_pem(key, PASSPHRASE)

    loaded = load_private_key(pem, PASSPHRASE)

    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert fingerprint(loaded) == fingerprint(key)


def test_a_wrong_passphrase_is_reported_as_such():
    pem = private_key_pem(generate_sealing_key(), PASSPHRASE)

    with pytest.raises(WrongPassphrase):
        load_private_key(pem, b"wrong")


@pytest.mark.parametrize(
    "pem",
    [
        b"garbage",
        b"",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n!!!!\n-----END ENCRYPTED PRIVATE KEY-----\n",
        pytest.param(None, id="public-key-pem"),
    ],
)
def test_an_unreadable_private_key_file_is_a_key_file_error(pem):
    if pem is None:
        pem = public_key_pem(generate_sealing_key())

    with pytest.raises(KeyFileError) as caught:
        load_private_key(pem, PASSPHRASE)

    assert not isinstance(caught.value, WrongPassphrase)


def test_an_empty_passphrase_is_refused():
    with pytest.raises(ValueError, match="passphrase"):
        private_key_pem(generate_sealing_key(), b"")


def test_an_ed25519_key_survives_its_pem_files_and_still_signs():
    key = generate_signing_key()
    private = load_private_key(private_key_pem(key, PASSPHRASE), PASSPHRASE)
    public = load_public_key(public_key_pem(key))

    signature = private.sign(b"dossier root")

    public.verify(signature, b"dossier root")  # raises InvalidSignature if wrong
    key.public_key().verify(signature, b"dossier root")


def test_a_public_key_pem_round_trips_and_garbage_does_not():
    key = generate_sealing_key()

    assert key_id(load_public_key(public_key_pem(key))) == key_id(key)
    with pytest.raises(KeyFileError):
        load_public_key(b"not a key")


def test_fingerprint_is_the_sha256_of_the_raw_public_key():
    key = generate_signing_key()
    raw = key.public_key().public_bytes_raw()

    assert fingerprint(key) == hashlib.sha256(raw).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(key))
    assert key_id(key.public_key()) == fingerprint(key)[:16]


# --- sealing ------------------------------------------------------------------------


def test_a_sealed_record_opens_with_its_key():
    key = generate_sealing_key()
    record = {"surname": "Müller", "birth_date": "2001-02-28"}

    sealed = seal_record(key.public_key(), record, AAD)

    assert open_record(key, sealed, AAD) == record
    assert sealed_key_id(sealed) == key_id(key)
    assert "Müller".encode() not in sealed


def test_sealing_twice_gives_different_bytes():
    public = generate_sealing_key().public_key()

    assert seal(public, b"same", AAD) != seal(public, b"same", AAD)


def test_a_record_does_not_open_with_another_key():
    sealed = seal(generate_sealing_key().public_key(), b"secret", AAD)

    with pytest.raises(SealedDataError, match="sealed to another key"):
        open_sealed(generate_sealing_key(), sealed, AAD)


def test_a_record_does_not_open_with_other_associated_data():
    key = generate_sealing_key()
    sealed = seal(key.public_key(), b"secret", AAD)

    with pytest.raises(SealedDataError):
        open_sealed(key, sealed, b"initiative 7 signature 43")


@pytest.mark.parametrize(
    "position",
    [0, 1, 8, 9, 40, 41, 52, 53, 60, -17, -1],
    ids=lambda p: f"byte{p}",
)
def test_one_flipped_byte_anywhere_spoils_the_record(position):
    key = generate_sealing_key()
    sealed = bytearray(seal(key.public_key(), b"a secret of some length", AAD))

    sealed[position] ^= 0x01

    with pytest.raises(SealedDataError):
        open_sealed(key, bytes(sealed), AAD)


@pytest.mark.parametrize("sealed", [b"", b"\x01", b"\x01" + bytes(60), b"\x02" * 80])
def test_malformed_sealed_data_has_no_key_id(sealed):
    with pytest.raises(SealedDataError):
        sealed_key_id(sealed)


def test_records_sealed_before_and_after_a_rotation_open_with_both_keys():
    old, new = generate_sealing_key(), generate_sealing_key()
    before = seal_record(old.public_key(), {"n": 1}, AAD)
    after = seal_record(new.public_key(), {"n": 2}, AAD)

    assert open_with_any([old, new], before, AAD) == {"n": 1}
    assert open_with_any([old, new], after, AAD) == {"n": 2}
    assert open_with_any([new], after, AAD) == {"n": 2}
    with pytest.raises(SealedDataError, match="no key for"):
        open_with_any([new], before, AAD)


# --- Merkle tree --------------------------------------------------------------------


def reference_mth(leaves):
    """RFC 6962 §2.1 MTH, written as the RFC states it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(
        b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])
    ).digest()


def make_leaves(n):
    return [f"leaf {i}".encode() for i in range(n)]


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9])
def test_the_streaming_root_equals_the_rfc_6962_definition(size):
    leaves = make_leaves(size)

    assert merkle_root(iter(leaves)) == reference_mth(leaves)


def test_the_root_of_a_b_c_is_known():
    # RFC 6962 splits 3 leaves as 2 + 1: MTH = node(node(a, b), c).
    expected = node_hash(node_hash(leaf_hash(b"a"), leaf_hash(b"b")), leaf_hash(b"c"))

    assert merkle_root([b"a", b"b", b"c"]) == expected
    assert leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()


def test_the_builder_counts_and_can_be_read_while_growing():
    builder = MerkleBuilder()
    leaves = make_leaves(6)

    for i, leaf in enumerate(leaves, start=1):
        builder.add(leaf)
        assert builder.root() == reference_mth(leaves[:i])

    assert builder.size == 6


def test_the_empty_tree_has_the_hash_of_nothing():
    assert merkle_root([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 100])
def test_inclusion_proofs_verify_for_first_middle_and_last_leaf(size):
    leaves = make_leaves(size)
    root = merkle_root(leaves)

    for index in {0, size // 2, size - 1}:
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(leaves[index], index, size, proof, root)


def test_a_proof_does_not_verify_for_anything_else():
    leaves = make_leaves(9)
    root = merkle_root(leaves)
    proof = inclusion_proof(leaves, 4)
    flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]

    assert verify_inclusion(leaves[4], 4, 9, proof, root)
    assert not verify_inclusion(leaves[5], 4, 9, proof, root)
    assert not verify_inclusion(leaves[4], 5, 9, proof, root)
    assert not verify_inclusion(leaves[4], 4, 9, flipped, root)
    assert not verify_inclusion(leaves[4], 4, 9, proof, merkle_root(leaves[:8]))
    assert not verify_inclusion(leaves[4], 4, 9, proof[:-1], root)
    assert not verify_inclusion(leaves[4], 4, 9, [*proof, proof[0]], root)


@pytest.mark.parametrize("index", [-1, 5, 6])
def test_an_index_outside_the_tree_is_refused(index):
    leaves = make_leaves(5)

    with pytest.raises(IndexError):
        inclusion_proof(leaves, index)
    with pytest.raises(ValueError):
        verify_inclusion(b"x", index, 5, [], merkle_root(leaves))


# --- receipts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKMN-PQRS-TUVW",
        "abcd-efgh-jkmn-pqrs-tuvw",
        " AbCd EfGh JKMNPQRSTUVW ",
    ],
)
def test_a_commitment_ignores_case_dashes_and_spaces(typed):
    assert commitment(typed, 7) == commitment("ABCDEFGHJKMNPQRSTUVW", 7)


def test_a_commitment_depends_on_the_code_and_the_initiative():
    code = "ABCD-EFGH-JKMN-PQRS-TUVW"
    expected = hashlib.sha256(b"petitions receipt v1\x1f7\x1fABCDEFGHJKMNPQRSTUVW")

    assert commitment(code, 7) == expected.digest()
    assert commitment(code, 7) != commitment("ABCD-EFGH-JKMN-PQRS-TUVX", 7)
    assert commitment(code, 7) != commitment(code, 8)


def test_receipt_codes_have_the_announced_shape():
    codes = {new_receipt_code() for _ in range(50)}

    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){4}", code)
