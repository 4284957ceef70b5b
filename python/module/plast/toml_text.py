"""Python dicts -> TOML text, so a model or rule built from dicts is read by the same C++ reader as a
file (same checks, same one-line errors). Tables become [a.b], lists of dicts [[a]], numpy arrays lists."""
import json
import math
import numbers

_BARE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _key(k):
    if not isinstance(k, str):
        raise TypeError(f"TOML keys must be strings, got {type(k).__name__}: {k!r}")
    return k if k and set(k) <= _BARE else json.dumps(k)


def _value(v):
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):  # numpy scalars and arrays
        v = v.tolist()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} {v!r} as a TOML value")


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def dumps(d, prefix=""):
    """TOML text of a dict (nested dicts are tables, lists of dicts arrays of tables)."""
    if not isinstance(d, dict):
        raise TypeError(f"a model or rule description is a dict, got {type(d).__name__}")
    lines, tables = [], []
    for k, v in d.items():
        if isinstance(v, dict) or _is_table_array(v):
            tables.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in tables:
        name = f"{prefix}{_key(k)}"
        if isinstance(v, dict):
            lines += ["", f"[{name}]", dumps(v, name + ".")]
        else:
            for x in v:
                lines += ["", f"[[{name}]]", dumps(x, name + ".")]
    return "\n".join(line for line in lines if line is not None)
