"""``crypto.seal_chunks``: the stream of AES-GCM gives, part by part, exactly what ``seal`` gives
for the chunks joined (the journal seals large frames this way)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.crypto import DecryptError, seal, seal_chunks, unseal

KEY = bytes(range(32))


@given(st.lists(st.binary(max_size=300), max_size=6), st.binary(max_size=20), st.binary(min_size=12, max_size=12))
def test_chunks_sealed_as_a_stream_are_the_bytes_seal_writes(chunks: list[bytes], aad: bytes, nonce: bytes) -> None:
    parts = seal_chunks(KEY, chunks, aad, lambda n: nonce)
    assert b"".join(parts) == seal(KEY, b"".join(chunks), aad, lambda n: nonce)
    assert unseal(KEY, b"".join(parts), aad) == b"".join(chunks)


def test_a_stream_sealed_frame_is_bound_to_its_aad() -> None:
    blob = b"".join(seal_chunks(KEY, [b"frame ", b"body"], b"journal|0|1", os.urandom))
    with pytest.raises(DecryptError):
        unseal(KEY, blob, b"journal|0|2")
