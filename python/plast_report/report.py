"""Render a plast run directory: figures/*.png and report.html.

Each verb has a plug-in module plast_report.verbs.<verb> with
    figures(run_dir: pathlib.Path, run: dict) -> list[tuple[str, str]]
        saves PNGs under run_dir/'figures' and returns (relative path, caption) pairs;
    key_numbers(run_dir, run) -> list[tuple[str, object]]   (optional)
        the numbers shown at the top of the report.
A verb without a plug-in still gets a report with its summary.
"""
import html
import importlib
import json
import pathlib
import sys


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)) and len(v) <= 8 and all(isinstance(x, (int, float)) for x in v):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, (dict, list)):
        return json.dumps(v)[:300]
    return str(v)


def _flatten(d, prefix=""):
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.extend(_flatten(v, key + "."))
        else:
            out.append((key, v))
    return out


def render(run_dir):
    run_dir = pathlib.Path(run_dir)
    run = json.loads((run_dir / "run.json").read_text())
    (run_dir / "figures").mkdir(exist_ok=True)
    verb = run.get("verb", "")
    figs, numbers = [], []
    try:
        mod = importlib.import_module(f"plast_report.verbs.{verb}")
    except ModuleNotFoundError:
        mod = None
    if mod is not None:
        figs = mod.figures(run_dir, run)
        if hasattr(mod, "key_numbers"):
            numbers = mod.key_numbers(run_dir, run)
    if not numbers:
        numbers = _flatten(run.get("summary", {}))
    title = f"plast {verb}: {run_dir.name}"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
        "figure{margin:1.5em 0}img{max-width:100%}figcaption{color:#555}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<table>",
    ]
    meta = [
        ("status", run.get("status")),
        ("config", run.get("config_source")),
        ("seed", run.get("seed")),
        ("plast", f"{run.get('plast_version')} ({run.get('git_revision')})"),
        ("started", run.get("started")),
        ("wall time [s]", run.get("wall_seconds")),
    ]
    if run.get("error"):
        meta.append(("error", run["error"]))
    for k, v in meta:
        parts.append(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>")
    parts.append("</table><h2>Key numbers</h2><table>")
    for k, v in numbers:
        if isinstance(v, dict) and "href" in v:  # a link, e.g. to a sub-run's report
            cell = f"<a href='{html.escape(v['href'])}'>{html.escape(v.get('text', v['href']))}</a>"
        else:
            cell = html.escape(_fmt(v))
        parts.append(f"<tr><th>{html.escape(str(k))}</th><td>{cell}</td></tr>")
    parts.append("</table>")
    if figs:
        parts.append("<h2>Figures</h2>")
    for path, caption in figs:
        parts.append(
            f"<figure><img src='{html.escape(path)}' alt='{html.escape(caption)}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    files = sorted(p.name for p in run_dir.iterdir() if p.is_file())
    parts.append("<h2>Files</h2><ul>")
    for f in files:
        parts.append(f"<li><a href='{html.escape(f)}'>{html.escape(f)}</a></li>")
    parts.append("</ul></body></html>")
    out = run_dir / "report.html"
    out.write_text("\n".join(parts))
    return out


def main(argv):
    if len(argv) != 1:
        print("usage: python3 -m plast_report RUN_DIR", file=sys.stderr)
        return 2
    render(argv[0])
    return 0
