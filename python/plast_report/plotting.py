"""Shared matplotlib helpers for the report plug-ins."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def save(fig, run_dir, name):
    path = run_dir / "figures" / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f"figures/{name}"


def no_float_noise(ax, values, rel=1e-5):
    """A y axis for values that are constant up to float rounding: show ±5 % around them, never a
    1e-8-wide axis that magnifies rounding into apparent dynamics."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return
    lo, hi = float(v.min()), float(v.max())
    scale = max(abs(lo), abs(hi), 1e-12)
    if hi - lo <= rel * scale:
        mid = 0.5 * (lo + hi)
        half = 0.05 * scale if scale > 1e-12 else 1.0
        ax.set_ylim(mid - half, mid + half)
    ax.ticklabel_format(useOffset=False, axis="y")
