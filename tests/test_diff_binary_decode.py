"""The base85 decoder of "GIT binary patch" data gives exactly what the standard library's
b85decode gives, line by line (every line length, values at the 2**32 edge), and refuses
what it refuses."""

from __future__ import annotations

import base64
import random
import struct

import pytest

from pairtui.diff.binary import decode_base85_lines


def _encode(raw: bytes) -> bytes:
    """As git writes it: 52 bytes a line, each led by its length letter."""
    lines = []
    for i in range(0, len(raw), 52):
        chunk = raw[i:i + 52]
        letter = chr(64 + len(chunk)) if len(chunk) <= 26 else chr(96 + len(chunk) - 26)
        lines.append(letter.encode() + base64.b85encode(chunk + b"\0" * (-len(chunk) % 4)))
    return b"\n".join(lines)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 26, 27, 51, 52, 53, 104, 1000, 40_001])
def test_random_data_of_every_length_round_trips(size: int) -> None:
    raw = random.Random(size).randbytes(size)
    assert decode_base85_lines(_encode(raw)) == raw


def test_words_at_the_top_of_the_range_decode_and_one_past_it_is_refused() -> None:
    edge = struct.pack(">6I", 0xFFFFFFFF, 0, 4280451250, 4280451249, 0xFF000000, 0xFFFFFFFE)
    assert decode_base85_lines(_encode(edge)) == edge
    assert decode_base85_lines(b"D|NsC0") == b"\xff\xff\xff\xff"
    for bad in (b"D|NsC1", b"D~~~~~", b"D00 00", b"D0000", b"?00000"):
        with pytest.raises(ValueError):
            decode_base85_lines(bad)


def test_a_short_last_line_in_the_middle_is_cut_to_its_length() -> None:
    first = base64.b85encode(b"abcd")
    assert decode_base85_lines(b"C" + first + b"\nD" + first) == b"abcabcd"
