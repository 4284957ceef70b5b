"""Report for `plast demo`: one section per step with its key numbers and figures, linking each step's own report."""
import html
import importlib
import json


def figures(run_dir, run):
    figs = []
    for step in run.get("summary", {}).get("steps", []):
        sub = run_dir / step["dir"]
        if not (sub / "run.json").exists():
            continue
        sub_run = json.loads((sub / "run.json").read_text())
        try:
            mod = importlib.import_module(f"plast_report.verbs.{sub_run.get('verb')}")
        except ModuleNotFoundError:
            continue
        figs_sub = mod.figures(sub, sub_run) if (sub / "figures").exists() else []
        for path, caption in figs_sub[:3]:
            figs.append((f"{step['dir']}/{path}", f"[{step['title']}] {caption}"))
    return figs


def key_numbers(run_dir, run):
    steps = run.get("summary", {}).get("steps", [])
    done = sum(1 for st in steps if st.get("status") == "completed")
    return [("steps completed", f"{done} of {len(steps)}"),
            ("wall time of all steps", sum(st.get("wall_seconds", 0) for st in steps), "s")]


def tables(run_dir, run):
    rows = []
    for step in run.get("summary", {}).get("steps", []):
        sub = run_dir / step["dir"]
        lines = []
        if (sub / "run.json").exists():
            sub_run = json.loads((sub / "run.json").read_text())
            lines = sub_run.get("headline", [])
            if sub_run.get("status") == "failed":
                lines = [f"failed: {sub_run.get('error', '')}"]
        result = "<br>".join(html.escape(x) for x in lines) or html.escape(step.get("status", "?"))
        rows.append([f"<b>{html.escape(step['name'])}</b><br><small>{html.escape(step['title'])}</small>", result,
                     f"{step.get('wall_seconds', 0):.1f} s", f"<a href='{html.escape(step['dir'])}/report.html'>report</a>"])
    return [("Steps", ["step", "result", "time", "full report"], rows,
             "Each step is an ordinary plast run in its own directory; its headline is repeated here.")]
