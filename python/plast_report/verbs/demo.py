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
    out = []
    for step in run.get("summary", {}).get("steps", []):
        sub = run_dir / step["dir"]
        link = f"{step['dir']}/report.html"
        out.append((f"step {step['name']}", {"href": link, "text": f"{step['title']}: {step.get('status', '?')} in "
                                             f"{step.get('wall_seconds', 0):.1f} s (full report)"}))
        if (sub / "run.json").exists():
            sub_run = json.loads((sub / "run.json").read_text())
            try:
                mod = importlib.import_module(f"plast_report.verbs.{sub_run.get('verb')}")
                if hasattr(mod, "key_numbers"):
                    for k, v in mod.key_numbers(sub, sub_run)[:8]:
                        out.append((f"  {step['name']}: {k}", v))
            except ModuleNotFoundError:
                pass
    return out
