"""What reaches a terminal: control characters (C0, C1, DEL) escaped, so a name or a file
someone else typed cannot move the cursor, clear the screen or forge a line."""

from __future__ import annotations


def terminal_safe(text: object) -> str:
    out = []
    for ch in str(text):
        code = ord(ch)
        if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    return "".join(out)


def json_line(value: object) -> str:
    """One JSON object per line, Chinese kept readable, C1 controls and DEL written as \\u escapes
    (JSON already escapes C0)."""
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "".join(f"\\u{ord(ch):04x}" if (ord(ch) == 0x7F or 0x80 <= ord(ch) < 0xA0) else ch for ch in text)
