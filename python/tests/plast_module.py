"""Import of the Python package plast from the build next to PLAST_CLI (build/python), ahead of any
plast.pth in the user site-packages (which may point at another checkout)."""
import os
import pathlib
import sys

_BUILD = pathlib.Path(os.environ.get("PLAST_CLI", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "plast"))).resolve().parent
sys.path.insert(0, str(_BUILD / "python"))

import plast  # noqa: E402  (fails loudly when the module was not built: PLAST_PYTHON=OFF or no pybind11)

assert pathlib.Path(plast.__file__).resolve().parent == (_BUILD / "python" / "plast").resolve(), plast.__file__
