"""The notebooks in notebooks/ run headless from a fresh checkout (nbclient, python3 kernel) and are
committed with their outputs stripped."""
import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

from plast_module import plast

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_is_one_notebook_per_paper():
    assert [p.name for p in NOTEBOOKS] == ["jordan_evolution.ipynb", "mehta_inference.ipynb", "memory_by_accident.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_is_stripped(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs not stripped"
    # The kernel imports the same build as these tests (build/python next to PLAST_CLI).
    pkg = pathlib.Path(plast.__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(pkg), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
