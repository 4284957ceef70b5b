"""Numbers and values for people: significant digits, units, no raw dicts or 16-digit floats."""
import html
import math

INF_BOUND = 1e299  # filters write an open bound as 1e300


def number(v, unit="", sig=3):
    """10.7776 -> '10.8', 0.00146609 -> '0.00147', 228005171 -> '2.28e+08', with ' unit' appended."""
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        s = f"{v:,}" if abs(v) >= 10000 else str(v)
    elif isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v) or abs(v) >= INF_BOUND:
            return "∞" if v > 0 else "−∞"
        s = f"{v:.{sig}g}"
        if "e" in s:
            mant, exp = s.split("e")
            s = f"{mant}·10^{int(exp)}"
        s = s.replace("-", "−")
    else:
        return str(v)
    return f"{s} {unit}".strip() if unit else s


def interval(lo, hi, unit="", sig=3):
    lo_s = "−∞" if lo is None or lo <= -INF_BOUND else number(float(lo), sig=sig)
    hi_s = "∞" if hi is None or hi >= INF_BOUND else number(float(hi), sig=sig)
    return f"[{lo_s}, {hi_s}]" + (f" {unit}" if unit else "")


def value_html(v, unit="", sig=3):
    """A cell: numbers formatted, lists of numbers joined, dicts as a small nested table, never JSON."""
    if isinstance(v, dict):
        if "href" in v:
            return f"<a href='{html.escape(v['href'])}'>{html.escape(v.get('text', v['href']))}</a>"
        rows = "".join(
            f"<tr><th>{html.escape(str(k).replace('_', ' '))}</th><td>{value_html(x, sig=sig)}</td></tr>" for k, x in v.items()
        )
        return f"<table class='nested'>{rows}</table>"
    if isinstance(v, (list, tuple)):
        if len(v) <= 12 and all(isinstance(x, (int, float)) or x is None for x in v):
            return html.escape(", ".join(number(x, sig=sig) for x in v) + (f" {unit}" if unit else ""))
        if all(isinstance(x, str) for x in v):
            return html.escape(", ".join(v))
        return html.escape(f"{len(v)} entries (see the files below)")
    return html.escape(number(v, unit, sig) if isinstance(v, (int, float)) or v is None else str(v))
