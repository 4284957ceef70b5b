#!/usr/bin/env python3
"""How often a plast evolution's rules differ from their SymPy-simplified form where an input is 0.

The E2L reference simulates hal-cgp's to_sympy(simplify=True); plast simulates the rule as the graph writes it
(unless cgp.simplify = true). A rule "differs" when, at some point of w in {0, 0.5, 1} x E in {0, 0.3, 2},
one form is finite and the other not, or both are finite and unequal. Needs SymPy (Debian: python3-sympy).

usage: /usr/bin/python3 scripts/e2l_singular_rules.py N RUN_DIR [RUN_DIR ...]
  N: how many distinct simulated rules to draw (seed 1) from the runs' archive.sqlite files.
"""
import math
import random
import sqlite3
import sys

import sympy

W, E = sympy.symbols("w E")
POINTS = [(a, b) for a in (0.0, 0.5, 1.0) for b in (0.0, 0.3, 2.0)]
NAMES = {"pow": pow, "sqrt": lambda x: x ** 0.5, "Abs": abs, "exp": math.exp, "log": math.log}


def value(text, w, e):
    """The expression at (w, E) in double precision; NaN where it is undefined or complex."""
    try:
        v = complex(eval(text.replace("^", "**"), dict(NAMES, w=w, E=e)))
    except (ZeroDivisionError, OverflowError, ValueError, TypeError, NameError):
        return math.nan
    return v.real if abs(v.imag) < 1e-12 else math.nan


def differs(part):
    simple = str(sympy.simplify(sympy.sympify(part.replace("^", "**"), locals={"w": W, "E": E})))
    for w, e in POINTS:
        x, y = value(part, w, e), value(simple, w, e)
        if math.isfinite(x) != math.isfinite(y) or (math.isfinite(x) and abs(x - y) > 1e-9 * max(1.0, abs(y))):
            return True
    return False


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    rules = set()
    for run in sys.argv[2:]:
        with sqlite3.connect(run + "/archive.sqlite") as c:
            rules |= {r[0] for r in c.execute("select distinct rule from candidates where m_simulated = 1")}
    random.seed(1)
    sample = random.sample(sorted(rules), min(n, len(rules)))
    k = sum(any(differs(p) for p in r.split(" ; ")) for r in sample)
    print(f"{len(rules)} distinct simulated rules; {len(sample)} drawn; {k} differ from their simplified form")


if __name__ == "__main__":
    main()
