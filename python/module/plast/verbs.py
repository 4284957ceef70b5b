"""The verbs of the plast command line, run in this process by the same compiled code.

``plast.run("screen", "examples/x.toml", set=["rounds=1"], out="runs/x", seed=3)`` runs exactly
``plast screen examples/x.toml --set rounds=1 --out runs/x --seed 3 --no-report`` and returns the run
directory's run.json as a dict (with the directory under the key ``"run_dir"``). The simulation or
search runs with the GIL released; Ctrl-C stops it like the command line does (completed work is kept,
run.json says "interrupted") and raises KeyboardInterrupt. Errors are the command line's one-line
messages: bad input raises ValueError (KeyError for an unknown key), a failed run PlastError.
"""
import json
import os

from . import _core


class PlastError(RuntimeError):
    """A run that failed after it started (exit status 1 of the command line); .run_dir keeps its partial results."""

    def __init__(self, message, run_dir=""):
        super().__init__(message)
        self.run_dir = run_dir


def _raise(code, kind, message, verb, run_dir):
    if kind == "interrupted":
        raise KeyboardInterrupt(message)
    if kind == "out_of_memory":
        raise MemoryError(message)
    if code == 2:
        if "unknown key" in message:
            raise KeyError(message)
        raise ValueError(message)
    raise PlastError(message, run_dir)


def command_line(verb, config=None, *args, set=(), out=None, threads=None, seed=None, force=False, quiet=False,
                 report=False, options=()):
    """The argument list of the command line run by run() with the same arguments (without the program name)."""
    if isinstance(set, str):
        set = [set]
    argv = [verb]
    if config is not None:
        argv.append(os.fspath(config))
    argv += [os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args]
    for s in set:
        argv += ["--set", str(s)]
    if out is not None:
        argv += ["--out", os.fspath(out)]
    if threads is not None:
        argv += ["--threads", str(int(threads))]
    if seed is not None:
        argv += ["--seed", str(int(seed))]
    if force:
        argv.append("--force")
    if quiet:
        argv.append("--quiet")
    if not report:
        argv.append("--no-report")
    argv += [str(o) for o in options]
    return argv


def run(verb, config=None, *args, progress=True, on_result=None, on_generation=None, on_epoch=None, **kw):
    """Run `plast VERB [CONFIG] [ARGS] [options]` in this process; returns run.json as a dict (None for
    verbs that write no run directory). See command_line() for the keyword arguments.

    Callbacks, called in this thread while the run goes on (each needs `out`, the run directory the
    callback follows):
      on_result (screen): each candidate's archive row (a dict) as the search stores it, in (round, idx)
        order per batch.
      on_generation (evolve): f(generation, champion_fitness, champion_formula) after every generation
        (every row of history.csv, a resumed run's earlier generations first).
      on_epoch (infer): f(epoch, loss, params) for every logged epoch of the first fit (every row of
        theta.csv; params: a dict name -> value of the effective parameters).
    A callback that returns False stops the run as Ctrl-C does (completed work kept, run.json says
    "interrupted") and run() returns run.json with "stopped_by_callback": True; a callback that raises
    stops it the same way and the exception propagates."""
    follow = kw.pop("_follow", None)  # a resumed run (resume=DIR) is followed in DIR
    argv = ["plast"] + command_line(verb, config, *args, **kw)
    show = bool(progress) and not kw.get("quiet", False)
    given = [(n, f) for n, f in (("on_result", on_result), ("on_generation", on_generation), ("on_epoch", on_epoch))
             if f is not None]
    if len(given) > 1:
        raise ValueError(f"{given[0][0]}, {given[1][0]}: one callback per run")
    stopped = False
    if not given:
        code, kind, message, name, run_dir = _core.dispatch(argv, show)
    else:
        what, f = given[0]
        expected = {"on_result": "screen", "on_generation": "evolve", "on_epoch": "infer"}[what]
        if verb != expected:
            raise ValueError(f"{what}: for plast {expected}, not plast {verb}")
        if kw.get("out") is None and follow is None:
            raise ValueError(f"{what}: give the run directory (out=...) so the run can be followed")
        out = os.fspath(kw["out"] if kw.get("out") is not None else follow)
        poll = {"on_result": _archive_rows, "on_generation": _history_rows, "on_epoch": _theta_rows}[what](out, f)
        (code, kind, message, name, run_dir), stopped = _follow(argv, show, poll)
    if code != 0 and not (stopped and kind == "interrupted"):
        _raise(code, kind, message, name, run_dir)
    if kind == "ok" and message and not name:  # --help / --version
        print(message)
        return None
    if not run_dir:
        return None
    with open(os.path.join(run_dir, "run.json")) as f:
        result = json.load(f)
    result["run_dir"] = run_dir
    if stopped and kind == "interrupted":
        result["stopped_by_callback"] = True
    return result


def _plain(verb, *args, options=(), progress=True):
    """Verbs without a configuration (bench, evaluate, report): positional arguments and options only."""
    argv = ["plast", verb] + [os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args]
    argv += [str(o) for o in options]
    code, kind, message, name, run_dir = _core.dispatch(argv, progress)
    if code != 0:
        _raise(code, kind, message, name, run_dir)
    return code


def screen(config=None, **kw):
    """plast screen CONFIG ...: a discovery screen; returns run.json."""
    return run("screen", config, **kw)


def simulate(config=None, **kw):
    """plast simulate CONFIG ...: an fSBI network or a model file; returns run.json."""
    return run("simulate", config, **kw)


def toy(config=None, **kw):
    """plast toy CONFIG ...: the two-synapse rate toy model; returns run.json."""
    return run("toy", config, **kw)


def memory(config=None, **kw):
    """plast memory CONFIG ...: the spiking familiarity memory study; returns run.json."""
    return run("memory", config, **kw)


def infer(config=None, resume=None, **kw):
    """plast infer CONFIG [--resume DIR] ...: rule inference from recordings; returns run.json. resume=DIR
    continues a killed or interrupted run in place (Adam fits from their checkpoints)."""
    if resume is not None:
        kw["options"] = list(kw.get("options", ())) + ["--resume", os.fspath(resume)]
        kw["_follow"] = resume
    return run("infer", config, **kw)


def evolve(config=None, resume=None, **kw):
    """plast evolve CONFIG [--resume DIR] ...: CGP evolution on an E2L task; returns run.json."""
    if resume is not None:
        kw["options"] = list(kw.get("options", ())) + ["--resume", os.fspath(resume)]
    return run("evolve", config, **kw)


def demo(config=None, **kw):
    """plast demo CONFIG ...: a short run of every capability; returns run.json."""
    return run("demo", config, **kw)


def evaluate(task, rule, config=None, set=(), threads=None, json_out=None):
    """plast evaluate TASK RULE [--config C] [--set ...] [--threads N] --json FILE: returns the result dict."""
    import tempfile

    options = []
    if config is not None:
        options += ["--config", os.fspath(config)]
    for s in ([set] if isinstance(set, str) else set):
        options += ["--set", str(s)]
    if threads is not None:
        options += ["--threads", str(int(threads))]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.fspath(json_out) if json_out is not None else os.path.join(tmp, "evaluate.json")
        _plain("evaluate", task, rule, options=options + ["--json", path], progress=False)
        with open(path) as f:
            return json.load(f)


def bench(name, scale=None, threads=None, json_out=None, options=()):
    """plast bench NAME [--scale S] [--threads N] --json FILE: returns the benchmark's figures."""
    import tempfile

    opts = list(options)
    if scale is not None:
        opts += ["--scale", repr(float(scale))]
    if threads is not None:
        opts += ["--threads", str(int(threads))]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.fspath(json_out) if json_out is not None else os.path.join(tmp, "bench.json")
        _plain("bench", name, options=opts + ["--json", path], progress=False)
        with open(path) as f:
            return json.load(f)


def report(run_dir):
    """plast report RUN_DIR: (re)render report.html; returns its path."""
    _plain("report", os.fspath(run_dir), progress=False)
    return os.path.join(os.fspath(run_dir), "report.html")


class _CsvTail:
    """The complete new lines of a CSV file that another thread appends to (header first)."""

    def __init__(self, path):
        self.path, self.offset, self.header = path, 0, None

    def rows(self):
        import csv

        if not os.path.exists(self.path):
            return []
        with open(self.path, newline="") as f:
            f.seek(self.offset)
            text = f.read()
        end = text.rfind("\n")
        if end < 0:
            return []
        self.offset += len(text[:end + 1].encode())
        rows = list(csv.reader(text[:end + 1].splitlines()))
        if self.header is None and rows:
            self.header, rows = rows[0], rows[1:]
        return [dict(zip(self.header, r)) for r in rows]


def _number(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def _history_rows(out, f):
    tail = _CsvTail(os.path.join(out, "history.csv"))

    def poll():
        for r in tail.rows():
            if f(int(r["generation"]), _number(r["champion_fitness"]), r["champion"]) is False:
                return False
        return True
    return poll


def _theta_rows(out, f):
    tail = _CsvTail(os.path.join(out, "theta.csv"))

    def poll():
        for r in tail.rows():
            params = {k: _number(v) for k, v in r.items() if k not in ("epoch", "loss")}
            if f(int(r["epoch"]), _number(r["loss"]), params) is False:
                return False
        return True
    return poll


def _archive_rows(out, on_result):
    import sqlite3

    seen = set()
    path = os.path.join(out, "archive.sqlite")

    def poll():
        if not os.path.exists(path):
            return True
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                cur = db.execute("SELECT * FROM candidates ORDER BY round, idx")
                names = [d[0] for d in cur.description]
                rows = [dict(zip(names, r)) for r in cur.fetchall()]
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return True  # the table is being created: next poll
        for row in rows:
            key = (row["round"], row["idx"])
            if key not in seen:
                seen.add(key)
                if on_result(row) is False:
                    return False
        return True
    return poll


def _follow(argv, show, poll):
    """Run the verb in a worker thread (the GIL is released while it runs) and, in this thread, poll()
    (which hands new rows to the callback) until the run ends. poll() returning False, or raising,
    stops the run as Ctrl-C does. Returns (dispatch's tuple, stopped by the callback)."""
    import signal
    import threading

    result = {}

    def work():
        try:
            result["value"] = _core.dispatch(argv, show)
        except BaseException as e:  # handed to the caller's thread
            result["error"] = e

    def stop():
        if t.is_alive():
            try:
                signal.raise_signal(signal.SIGINT)  # the run's own handler is installed while it runs
            except KeyboardInterrupt:
                pass  # the run had just ended and Python's own handler was back
        while t.is_alive():
            try:
                t.join()
            except KeyboardInterrupt:
                pass

    t = threading.Thread(target=work, name="plast-run", daemon=True)
    t.start()
    stopped = False
    try:
        while t.is_alive() and not stopped:
            t.join(0.2)
            stopped = poll() is False
        if not stopped:
            stopped = poll() is False
        if stopped:
            stop()
    except BaseException:
        # The callback failed: stop the run as Ctrl-C does (completed work kept, run.json "interrupted").
        stop()
        raise
    if "error" in result:
        if stopped and isinstance(result["error"], KeyboardInterrupt):
            return (3, "interrupted", str(result["error"]), argv[1], ""), True
        raise result["error"]
    return result["value"], stopped
