"""Hostile files for upload tests, built fast and in little memory."""

from __future__ import annotations

import io
import struct
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of already-deflated members: (name, raw deflate data, crc32, uncompressed size)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(fname), 0))
        out.write(fname)
        out.write(data)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(fname)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central.getvalue()), start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def xlsx_bomb(inflated: int = 1100 * 1024 * 1024) -> bytes:
    """An "XLSX" of about 1 MB whose sheet XML inflates to ``inflated`` bytes (more than 1 GB by default).

    One MiB of XML is deflated once with a full flush (which resets the compressor's history, so the compressed
    piece can be repeated as is) and the piece is repeated: a valid deflate stream, built without compressing a GB.
    """
    chunk = b"<row><c><v>0</v></c></row>" * (1024 * 1024 // 27) + b" " * (1024 * 1024 % 27)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n = inflated // len(chunk)
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    sheet = ("xl/worksheets/sheet1.xml", piece * n + b"\x03\x00", crc, n * len(chunk))
    return _zip(
        [("[Content_Types].xml", *_deflated(CONTENT_TYPES)), ("xl/workbook.xml", *_deflated(b"<workbook/>")), sheet]
    )
