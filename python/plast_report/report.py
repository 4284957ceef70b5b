"""Render a plast run directory: figures/*.png and report.html.

A report reads top to bottom: the headline (the run's result in words and numbers, run.json "headline"
plus the verb's own), a table of contents, the key numbers with units, the verdict table (every bound
with value and pass/fail) where the run has one, the verb's tables, the figures, the run's provenance
and its files.

Each verb has a plug-in module plast_report.verbs.<verb>, every function optional:
    figures(run_dir, run) -> [(relative png path, caption)]     saves PNGs under run_dir/'figures'
    headline(run_dir, run) -> [sentence]                          added after run.json's headline
    key_numbers(run_dir, run) -> [(label, value[, unit])]         default: the summary's scalars
    tables(run_dir, run) -> [(title, header, rows[, note])]       rows of already formatted cells
"""
import html
import importlib
import json
import pathlib
import sys

from . import glossary
from .fmt import interval, number, value_html

STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f5f5f5}table.nested td,table.nested th{border:none;padding:0 6px 0 0;background:none;font-weight:normal}"
    ".headline{background:#eef5ff;border-left:4px solid #3b78c3;padding:0.6em 1em;font-size:1.1em}"
    ".headline li{margin:0.2em 0}.pass{color:#176c2b}.fail{color:#b1261c;font-weight:bold}"
    "figure{margin:1.5em 0}img{max-width:100%}figcaption{color:#555}nav ul{columns:2}.note{color:#555}"
)


def _anchor(title):
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def _scalars(d, prefix=""):
    """Summary entries worth a key-number row: scalars and short numeric lists, nested keys dotted."""
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            if len(v) <= 8 and all(not isinstance(x, (dict, list)) for x in v.values()):
                out.append((key, v))
            else:
                out.extend(_scalars(v, key + "."))
        elif isinstance(v, list) and not (len(v) <= 8 and all(isinstance(x, (int, float)) for x in v)):
            continue
        else:
            out.append((key, v))
    return out


def _key_row(item):
    lab, v = item[0], item[1]
    unit = item[2] if len(item) > 2 else glossary.unit(lab.split(".")[-1])
    name = glossary.label(lab.split(".")[-1]) if lab.split(".")[-1] in glossary.TERMS else lab.replace("_", " ")
    tip = glossary.definition(lab.split(".")[-1])
    title = f" title='{html.escape(tip)}'" if tip else ""
    return f"<tr><th{title}>{html.escape(name)}</th><td>{value_html(v, unit)}</td></tr>"


def verdict_table(rows):
    """summary.verdict_table: [{group, metric, value, lo, hi, passed}] -> (title, header, rows)."""
    out = []
    for r in rows:
        m = r["metric"]
        u = glossary.unit(m)
        ok = r.get("passed")
        out.append([
            html.escape(r.get("group", "").replace("_", " ")),
            f"<span title='{html.escape(glossary.definition(m))}'>{html.escape(glossary.label(m))} (<code>{html.escape(m)}</code>)</span>",
            html.escape(number(r.get("value"), u)),
            html.escape(interval(r.get("lo"), r.get("hi"), u)),
            "<span class='pass'>pass</span>" if ok else "<span class='fail'>FAIL</span>",
        ])
    return ("Verdict", ["filter group", "metric", "value", "bound", "result"], out,
            "Every bound of the plausibility filter; a run is plausible when all pass. Definitions: docs/glossary.md.")


def render(run_dir):
    run_dir = pathlib.Path(run_dir)
    run = json.loads((run_dir / "run.json").read_text())
    (run_dir / "figures").mkdir(exist_ok=True)
    verb = run.get("verb", "")
    summary = run.get("summary", {})
    try:
        mod = importlib.import_module(f"plast_report.verbs.{verb}")
    except ModuleNotFoundError:
        mod = None

    def hook(name, default):
        return getattr(mod, name)(run_dir, run) if mod is not None and hasattr(mod, name) else default

    figs = hook("figures", [])
    headline = list(run.get("headline", [])) + hook("headline", [])
    numbers = hook("key_numbers", None)
    if numbers is None:
        numbers = _scalars({k: v for k, v in summary.items() if k not in ("verdict_table", "failed", "headline")})
    tables = []
    if summary.get("verdict_table"):
        tables.append(verdict_table(summary["verdict_table"]))
    tables += hook("tables", [])
    if run.get("status") == "failed":
        headline.insert(0, f"the run failed: {run.get('error', '')}")

    sections = ["Key numbers"] + [t[0] for t in tables] + (["Figures"] if figs else []) + ["Run", "Files"]
    title = f"plast {verb}: {run_dir.name}"
    p = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if headline:
        p.append("<div class='headline'><ul>" + "".join(f"<li>{html.escape(h)}</li>" for h in headline) + "</ul></div>")
    p.append("<nav><ul>" + "".join(f"<li><a href='#{_anchor(s)}'>{html.escape(s)}</a></li>" for s in sections) + "</ul></nav>")

    p.append(f"<h2 id='{_anchor('Key numbers')}'>Key numbers</h2><table>")
    p += [_key_row(item) for item in numbers]
    p.append("</table>")
    for t in tables:
        t_title, header, rows = t[0], t[1], t[2]
        p.append(f"<h2 id='{_anchor(t_title)}'>{html.escape(t_title)}</h2>")
        if len(t) > 3 and t[3]:
            p.append(f"<p class='note'>{html.escape(t[3])}</p>")
        p.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
        p += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
        p.append("</table>")
    if figs:
        p.append(f"<h2 id='{_anchor('Figures')}'>Figures</h2>")
        for path, caption in figs:
            p.append(f"<figure><img src='{html.escape(path)}' alt='{html.escape(caption)}'>"
                     f"<figcaption>{html.escape(caption)}</figcaption></figure>")

    meta = [
        ("status", run.get("status")),
        ("configuration", run.get("config_source")),
        ("seed", run.get("seed")),
        ("threads", run.get("threads")),
        ("plast version", f"{run.get('plast_version')} (git {run.get('git_revision')})"),
        ("command line", run.get("command_line")),
        ("started", run.get("started")),
        ("wall time", number(run.get("wall_seconds"), "s")),
    ]
    if run.get("error"):
        meta.append(("error", run["error"]))
    p.append(f"<h2 id='{_anchor('Run')}'>Run</h2><table>")
    p += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in meta if v is not None]
    p.append("</table>")
    files = sorted(q.name for q in run_dir.iterdir() if q.is_file())
    p.append(f"<h2 id='{_anchor('Files')}'>Files</h2><ul>")
    p += [f"<li><a href='{html.escape(f)}'>{html.escape(f)}</a></li>" for f in files]
    p.append("</ul></body></html>")
    out = run_dir / "report.html"
    out.write_text("\n".join(p))
    return out


def main(argv):
    if len(argv) != 1:
        print("usage: python3 -m plast_report RUN_DIR", file=sys.stderr)
        return 2
    render(argv[0])
    return 0
