"""plast.Model: a model file (populations, projections, rules, phases, monitors, metrics; the format
of docs/model.md) loaded from a file or built from dicts, run by the compiled engine.

    m = plast.Model.load("examples/models/fsbi.toml").with_set("scale=0.2")
    r = m.run(seed=3)            # same arrays as `plast simulate MODEL --set scale=0.2 --seed 3`
    r.spikes["exc"].times, r.spikes["exc"].ids, r.rates["rate_E"].values, r.verdict, r.metrics

    sim = m.simulation(seed=3)   # the same protocol, piece by piece
    sim.run_phase("warmup"); sim.snapshot("warm"); sim.run(2.5); sim.restore("warm"); r = sim.result()
"""
import os
import shutil
import tempfile
import weakref

import numpy as np

from . import _core
from .toml_text import dumps


class SpikeTrain:
    """Spikes of one monitor: times (s, ascending) and ids (neuron index relative to `first`)."""

    def __init__(self, name, d):
        self.name, self.population = name, d["population"]
        self.first, self.last = d["first"], d["last"]
        self.times, self.ids = d["times"], d["ids"]

    def __len__(self):
        return len(self.times)

    def __repr__(self):
        return f"SpikeTrain({self.name!r}, population={self.population!r}, {len(self)} spikes)"


class Series:
    """Sampled values of one monitor: values[time, column] at times (s); columns are synapse (weights)
    or neuron (state) indices; a rate monitor has one column (Hz)."""

    def __init__(self, name, d):
        self.name, self.kind, self.target, self.variable = name, d["kind"], d["target"], d["variable"]
        self.times, self.columns, self.values = d["times"], d["columns"], d["values"]

    def __repr__(self):
        return f"Series({self.name!r}, kind={self.kind!r}, target={self.target!r}, shape={self.values.shape})"


class Result:
    """What `plast simulate MODEL` writes, as arrays: spikes, rates, weights, state, phases, metrics, verdict."""

    def __init__(self, d):
        self.raw = d
        self.seed = d["seed"]
        self.spikes = {k: SpikeTrain(k, v) for k, v in d["spikes"].items()}
        self.series = {k: Series(k, v) for k, v in d["series"].items()}
        self.rates = {k: s for k, s in self.series.items() if s.kind == "rate"}
        self.weights = {k: s for k, s in self.series.items() if s.kind == "weights"}
        self.state = {k: s for k, s in self.series.items() if s.kind == "state"}
        self.phases = d["phases"]
        self.metrics = d["metrics"] if d["metrics_enabled"] else {}
        self.verdict = d["verdict"]
        self.failed = d["failed"]
        self.aborted = d["aborted"]
        self.abort_reason = d["abort_reason"]
        self.window = d["window"]
        self.wall_seconds = d["wall_seconds"]
        self.simulated_seconds = d["simulated_seconds"]

    def __repr__(self):
        return (f"Result(spikes={list(self.spikes)}, series={list(self.series)}, verdict={self.verdict!r}, "
                f"aborted={self.aborted})")


class Model:
    """A model description: its TOML text, where it came from (for messages and relative files) and
    overrides ("key=value", as --set). Reading checks everything (ValueError / KeyError with the
    command line's messages); nothing runs until run()."""

    def __init__(self, text, path="<dict>", overrides=(), _files=None):
        self.text, self.path, self.overrides = text, os.fspath(path), [str(o) for o in overrides]
        self._files = _files  # folder of the arrays given to from_dict (removed with the last model using it)
        self.outline = _core.check_model(self.text, self.path, self.overrides)

    @classmethod
    def load(cls, path, set=()):
        """A model file (relative files it names are read next to it)."""
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise ValueError(f"{path}: cannot read the model file ({e.strerror})") from None
        return cls(text, path, [set] if isinstance(set, str) else set)

    @classmethod
    def from_dict(cls, d, name="<dict>", base_dir=None):
        """A model from Python dicts with the keys of a model file ([[population]] -> d["population"] = [..]);
        files it names are read relative to base_dir (default: the working directory)."""
        path = name if base_dir is None else os.path.join(os.fspath(base_dir), name)
        files = _ArrayFiles()
        d = files.replace_arrays(d, "")
        return cls(dumps(d) + "\n", path, (), files if files.count else None)

    def with_set(self, *settings):
        """A copy with more overrides: with_set("scale=0.2", "rule.istdp.eta=0.5")."""
        return Model(self.text, self.path, self.overrides + [str(s) for s in settings], self._files)

    def set(self, **params):
        """A copy with parameters changed by dotted key: m.set(**{"rule.istdp.eta": 0.5}) or m.set(scale=0.2)."""
        from .toml_text import _value

        return self.with_set(*[f"{k}={_value(v)}" for k, v in params.items()])

    @property
    def populations(self):
        return dict(self.outline["populations"])

    @property
    def projections(self):
        return {p[0]: {"pre": p[1], "post": p[2], "rule": p[3]} for p in self.outline["projections"]}

    @property
    def duration(self):
        """Seconds of the whole protocol (every phase, every repetition)."""
        return self.outline["duration"]

    @property
    def seed(self):
        return self.outline["seed"]

    def run(self, seed=None, progress=True):
        """Simulate the whole protocol; seed None = the file's seed. GIL released, Ctrl-C raises KeyboardInterrupt."""
        return Result(_core.simulate_model(self.text, self.path, self.overrides, _check_seed(seed), bool(progress)))

    def simulation(self, seed=None):
        """A Simulation of this model (network built now, nothing run yet); seed None = the file's seed."""
        return Simulation(self, seed)

    def __repr__(self):
        if not hasattr(self, "outline"):
            return f"Model({self.path!r}, unread)"
        return f"Model({self.path!r}, populations={self.populations}, duration={self.duration} s)"


def _check_seed(seed):
    if seed is not None:
        seed = int(seed)
        if seed < 0:
            raise ValueError(f"seed: out of range: {seed} (allowed: [0, 9223372036854775807])")
    return seed


def _names_as_key_errors(f):
    """Unknown phase or snapshot names raise KeyError (other misuse ValueError), with the engine's message."""
    import functools

    @functools.wraps(f)
    def g(*a, **kw):
        try:
            return f(*a, **kw)
        except ValueError as e:
            if "no phase named" in str(e) or "no snapshot named" in str(e):
                raise KeyError(str(e)) from None
            raise
    return g


class Simulation:
    """A model's protocol run piece by piece: the phases in file order (each `repeat` times) are the
    protocol; run_all() runs what is left of it, run_phase() the next entry, run(seconds) any stretch
    of it; run_phase(NAME or index) runs one repetition of any phase now (in protocol order it also
    moves the protocol on). snapshot(name) / restore(name) keep and bring back the network state
    (weights, neuron and trace state, spikes in transit); the clock keeps running, so noise after a
    restore is that of the new time. result() returns a Result of what is recorded so far (metrics and
    verdict once the protocol is complete). Run in protocol order, the result equals Model.run(seed)
    array for array. Every run call releases the GIL; Ctrl-C raises KeyboardInterrupt and leaves the
    simulation where it stopped (the next call continues from there)."""

    def __init__(self, model, seed=None):
        self.model = model
        self._sim = _core.Simulation(model.text, model.path, model.overrides, _check_seed(seed))

    @property
    def time(self):
        """Simulated seconds so far."""
        return self._sim.time

    @property
    def seed(self):
        return self._sim.seed

    @property
    def phases(self):
        """The model's phase names, in file order."""
        return list(self._sim.phases)

    @property
    def phase(self):
        """Name of the phase in progress (after run(seconds) stopped inside it), else None."""
        return self._sim.phase_in_progress

    @property
    def phase_remaining(self):
        """Seconds left in the phase in progress (0 when none)."""
        return self._sim.phase_remaining

    @property
    def position(self):
        """(protocol entries completed, protocol entries in all)."""
        return self._sim.protocol_position, self._sim.protocol_size

    @property
    def complete(self):
        return self._sim.complete

    @property
    def aborted(self):
        return self._sim.aborted

    @property
    def snapshots(self):
        return list(self._sim.snapshots)

    def run_all(self):
        """The rest of the protocol; returns self."""
        self._sim.run_all()
        return self

    @_names_as_key_errors
    def run_phase(self, phase=None):
        """phase None: finish the phase in progress, else run the protocol's next entry. A name or an
        index: one repetition of that phase now (restore, rates, stimuli, plasticity, recording, its
        duration, snapshot). Returns self."""
        if phase is None:
            self._sim.run_next()
        elif isinstance(phase, str):
            self._sim.run_phase_name(phase)
        elif isinstance(phase, (int, np.integer)) and not isinstance(phase, bool):
            if phase < 0:
                raise ValueError(f"phase: index {phase} is out of range (allowed: 0 to {len(self.phases) - 1})")
            self._sim.run_phase_index(int(phase))
        else:
            raise ValueError(f"phase: {phase!r} is neither a phase name nor an index (allowed: {', '.join(self.phases)})")
        return self

    def run(self, duration):
        """duration seconds of the protocol (finishing the phase in progress, starting the next ones;
        may stop inside a phase); returns the seconds actually run (less at the protocol's end)."""
        return self._sim.advance(float(duration))

    def snapshot(self, name):
        """Keep the network state now under name (replacing one of that name)."""
        self._sim.snapshot(str(name))
        return self

    @_names_as_key_errors
    def restore(self, name):
        """Bring back the network state of snapshot name (the model's own phase snapshots included)."""
        self._sim.restore(str(name))
        return self

    def result(self):
        return Result(self._sim.result())

    def __repr__(self):
        done, n = self.position
        return f"Simulation({self.model.path!r}, t={self.time:g} s, protocol {done}/{n}, phase={self.phase!r})"


class _ArrayFiles:
    """Arrays given in a model dict under a `file` key (a spike_file population's spikes: N x 2 columns
    time (s), neuron; a list projection's pairs: N x 2 or N x 3 columns pre, post[, weight]) are written
    as float64 .npy files into a private folder and the key set to that path, so the model file reader
    checks them as it checks files (shapes, ranges: the same messages)."""

    def __init__(self):
        self.dir, self.count = None, 0

    def replace_arrays(self, d, where):
        if isinstance(d, dict):
            out = {}
            for k, v in d.items():
                key = f"{where}.{k}" if where else str(k)
                if k == "file" and isinstance(v, np.ndarray):
                    out[k] = self._write(v, key)
                else:
                    out[k] = self.replace_arrays(v, key)
            return out
        if isinstance(d, (list, tuple)) and any(isinstance(x, dict) for x in d):
            return [self.replace_arrays(x, f"{where}[{i}]") for i, x in enumerate(d)]
        return d

    def _write(self, a, key):
        if a.dtype.kind not in "iuf":
            raise ValueError(f"{key}: array of dtype {a.dtype}: expected numbers (times in s, neuron indices)")
        if a.ndim != 2 or a.shape[1] not in (2, 3):
            raise ValueError(f"{key}: array of shape {a.shape}: expected N x 2 (time s, neuron) or N x 3 (pre, post, weight)")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{key}: the array holds NaN or infinite values")
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="plast-model-")
            weakref.finalize(self, shutil.rmtree, self.dir, True)
        path = os.path.join(self.dir, f"{self.count}_{key.replace('[', '_').replace(']', '').replace('.', '_')}.npy")
        np.save(path, np.ascontiguousarray(a, dtype=np.float64))
        self.count += 1
        return path
