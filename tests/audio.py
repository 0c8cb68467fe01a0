"""Small, valid audio files made in code (no encoder on the machine): MPEG-1 Layer III frames of
silence, and an M4A whose boxes say how long it is."""

from __future__ import annotations

import struct

MP3_FRAME = 417  # 128 kbit/s at 44.1 kHz, no padding: 144 * 128000 / 44100 bytes
MP3_FRAME_SECONDS = 1152 / 44100


def mp3(seconds: float) -> bytes:
    header = bytes([0xFF, 0xFB, 0x90, 0x64])
    frame = header + bytes(MP3_FRAME - len(header))
    return frame * round(seconds / MP3_FRAME_SECONDS)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full(kind: bytes, payload: bytes) -> bytes:
    return _box(kind, b"\x00\x00\x00\x00" + payload)


def m4a(seconds: int, timescale: int = 44100) -> bytes:
    duration = seconds * timescale
    mvhd = _full(b"mvhd", struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80))
    tkhd = _full(b"tkhd", struct.pack(">IIIII", 0, 0, 1, 0, seconds * 1000) + bytes(60))
    mdhd = _full(b"mdhd", struct.pack(">IIIIHH", 0, 0, timescale, duration, 0x55C4, 0))
    hdlr = _full(b"hdlr", struct.pack(">I4s12s", 0, b"soun", bytes(12)) + b"SoundHandler\x00")
    esds = _full(b"esds", bytes.fromhex("03190000000411401500000000000000000000000502121006010102"))
    mp4a = _box(
        b"mp4a",
        bytes(6)
        + struct.pack(">H", 1)
        + bytes(8)
        + struct.pack(">HHHHI", 2, 16, 0, 0, timescale << 16)
        + esds,
    )
    stsd = _full(b"stsd", struct.pack(">I", 1) + mp4a)
    stbl = _box(b"stbl", stsd)
    minf = _box(b"minf", stbl)
    mdia = _box(b"mdia", mdhd + hdlr + minf)
    trak = _box(b"trak", tkhd + mdia)
    moov = _box(b"moov", mvhd + trak)
    ftyp = _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom")
    return ftyp + moov + _box(b"mdat", bytes(4096))
