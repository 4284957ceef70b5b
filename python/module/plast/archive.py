"""plast.open_archive: a search's SQLite archive (archive.sqlite of `plast screen` or `plast evolve`)
as numpy structured arrays and pandas DataFrames. Columns: round, idx, seed, source, status, verdict,
abort_reason, abort_time, wall_seconds, rule (the expression of an expression search such as CGP, ""
for parameter searches and in schema-1 archives, which have no such column), then p_<name> per
parameter and m_<name> per metric (NaN where the archive stores NULL: metrics that were NaN or not
computed). An evolve archive has no parameters; its round is the generation and idx the individual."""
import json
import os
import sqlite3

import numpy as np

_TEXT = ("source", "status", "verdict", "abort_reason", "rule")


class Archive:
    def __init__(self, path):
        path = os.fspath(path)
        if os.path.isdir(path):
            path = os.path.join(path, "archive.sqlite")
        if not os.path.isfile(path):
            raise ValueError(f"{path}: no archive here (a screen's run directory or its archive.sqlite)")
        self.path = path
        # Read-only, so an archive a running screen writes is never locked or changed by a reader.
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as e:
            raise ValueError(f"{path}: not a plast archive ({e})") from None
        self.meta = meta
        self.param_names = json.loads(meta.get("param_names", "[]"))
        self.metric_names = json.loads(meta.get("metric_names", "[]"))
        self.schema_version = int(meta.get("schema_version", "0") or 0)
        if self.schema_version > 2:
            raise ValueError(f"{path}: archive schema {self.schema_version} is newer than this plast supports (<= 2)")
        # "cgp" for `plast evolve`, the optimizer for `plast infer`; screens leave it unset.
        self.method = meta.get("method", "screen")

    def close(self):
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _rows(self, where="", args=()):
        cur = self._db.execute(f"SELECT * FROM candidates {where} ORDER BY round, idx", args)
        return [d[0] for d in cur.description], cur.fetchall()

    def to_numpy(self, where="", args=()):
        """All candidates (or those matching an SQL WHERE clause) as a numpy structured array."""
        names, rows = self._rows(where, args)
        dtype = []
        for n in names:
            if n in ("round", "idx", "seed"):
                dtype.append((n, np.int64))
            elif n in _TEXT:
                dtype.append((n, object))
            else:
                dtype.append((n, np.float64))
        fix = lambda v, t: (np.nan if v is None else v) if t == np.float64 else ("" if v is None and t is object else v)
        data = [tuple(fix(v, t) for v, (_, t) in zip(r, dtype)) for r in rows]
        return np.array(data, dtype=dtype)

    def to_pandas(self, where="", args=()):
        """All candidates (or those matching an SQL WHERE clause) as a pandas DataFrame."""
        import pandas as pd

        a = self.to_numpy(where, args)
        return pd.DataFrame({n: a[n] for n in a.dtype.names})

    def params(self, where="", args=()):
        """Parameters as a 2-D float array [candidate, parameter] (columns: param_names)."""
        return self._matrix("p_", self.param_names, where, args)

    def rules(self, where="", args=()):
        """The rule column (expressions of an expression search; "" for parameter searches)."""
        a = self.to_numpy(where, args)
        return list(a["rule"]) if "rule" in (a.dtype.names or ()) else [""] * len(a)

    def metrics(self, where="", args=()):
        """Metrics as a 2-D float array [candidate, metric] (columns: metric_names)."""
        return self._matrix("m_", self.metric_names, where, args)

    def _matrix(self, prefix, names, where, args):
        a = self.to_numpy(where, args)
        if not len(a) or not names:  # an evolve archive has no parameter columns
            return np.empty((len(a), len(names)))
        return np.column_stack([a[prefix + n] for n in names])


def open_archive(run_dir):
    """The archive of a screen (its run directory or the archive.sqlite file)."""
    return Archive(run_dir)
