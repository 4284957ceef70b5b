"""scripts/e2l_singular_rules.py: a rule with a removable singularity differs from its simplified form."""
import pathlib
import sqlite3
import subprocess
import sys

import pytest

pytest.importorskip("sympy")
SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "e2l_singular_rules.py"


def archive(d, rules):
    d.mkdir()
    with sqlite3.connect(d / "archive.sqlite") as c:
        c.execute("create table candidates (rule text, m_simulated real)")
        c.executemany("insert into candidates values (?, ?)", rules)
    return str(d)


def test_counts_rules_whose_literal_form_is_singular_where_the_simplified_is_not(tmp_path):
    run = archive(tmp_path / "run", [("E - w * E / E ; E - w", 1), ("E - w ; E - w", 1), ("w / w ; E", 1),
                                     ("E / w ; E", 1), ("E / E ; E", 0)])  # E/w is singular in both forms; not simulated: left out
    out = subprocess.run([sys.executable, str(SCRIPT), "10", run], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "4 distinct simulated rules; 4 drawn; 2 differ from their simplified form"
