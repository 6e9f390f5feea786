"""JSON written exactly as the engine's Jackson writer writes it, for the manifest digest.

A manifest carries ``manifestSha256``: the SHA-256 of the manifest without that field, serialised as compact JSON by
Jackson. Field order is kept, integers are written as integers and floating-point numbers as Java's
``Double.toString`` writes them (``1.0E-4``, ``0.001``, ``16.0``), strings with Jackson's escapes. Computing the same
bytes here is what lets a file written by either side open in the other.
"""

import decimal
import math

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\f": "\\f", "\n": "\\n", "\r": "\\r"}


def java_double(x):
    """``Double.toString(x)`` for a finite double: plain decimal for 1e-3 <= |x| < 1e7, else ``d.dddE<n>``."""
    if not math.isfinite(x):
        raise ValueError(f"JSON has no value for {x}")
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    sign, digits, exponent = decimal.Decimal(repr(x)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    exponent += len(digits) - len(text)
    e10 = len(text) + exponent - 1
    prefix = "-" if sign else ""
    if 1e-3 <= abs(x) < 1e7:
        if e10 >= 0:
            whole = text[:e10 + 1].ljust(e10 + 1, "0")
            fraction = text[e10 + 1:] or "0"
            return f"{prefix}{whole}.{fraction}"
        return f"{prefix}0.{'0' * (-e10 - 1)}{text}"
    return f"{prefix}{text[0]}.{text[1:] or '0'}E{e10}"


def _string(s):
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def compact(value):
    """The compact JSON text Jackson writes for a parsed value (dicts keep their order)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # a number beyond the double range parses as an infinity, which Jackson writes as a string
        return java_double(value) if math.isfinite(value) else ('"Infinity"' if value > 0 else '"-Infinity"')
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(compact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(_string(str(k)) + ":" + compact(v) for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def pretty(value, indent=""):
    """Indented JSON in Jackson's default pretty style (``"key" : value``), numbers as in :func:`compact`."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{ }"
        items = [f"{inner}{_string(str(k))} : {pretty(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[ ]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return "[ " + ", ".join(compact(v) for v in value) + " ]"
        return "[ " + ", ".join(pretty(v, indent) for v in value) + " ]"
    return compact(value)
