"""plast from Python: the compiled core of the plast command line (verbs, models, rules, archives).

`import plast` needs the build's python folder on the path (scripts/setup.sh writes a .pth file for
/usr/bin/python3); docs/python.md lists each call and its command-line equivalent.
"""
from . import _core
from .archive import Archive, open_archive
from .density import Conditioned, ConditionalDensity
from .model import Model, Result, Series, Simulation, SpikeTrain
from .rule import DriftEstimate, Rule
from .verbs import (PlastError, bench, command_line, demo, evaluate, evolve, infer, memory, report, run, screen,
                    simulate, toy)

__version__ = _core.version
__all__ = ["Archive", "open_archive", "ConditionalDensity", "Conditioned", "Model", "Result", "Series", "Simulation", "SpikeTrain", "Rule", "DriftEstimate", "PlastError", "bench",
           "command_line", "demo", "evaluate", "evolve", "infer", "memory", "report", "run", "screen", "simulate", "toy"]
