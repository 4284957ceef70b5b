"""A small checker for the NESTML that `plast export --to nestml` writes, without NEST or NESTML installed:
a line grammar for the model, its blocks and declarations (NESTML 8 syntax), a recursive-descent
parser for the expression subset (ternary, comparisons, + - * / **, unary minus, calls of clip, min,
max, exp, ln, abs, numbers with an optional ms unit, declared names), and an event-driven
interpreter of the parsed model (exact exponential decay of the linear ODEs between events, the
onReceive blocks at the events) to check what the model computes."""
import math
import re

FUNCS = {"clip": lambda x, a, b: min(max(x, a), b), "min": min, "max": max, "exp": math.exp,
         "ln": lambda x: math.log(x) if x > 0 else (float("-inf") if x == 0 else float("nan")), "abs": abs}
BLOCKS = ("state", "parameters", "equations", "input", "output", "update")
NAME = r"[A-Za-z_][A-Za-z_0-9]*"


class NestmlError(Exception):
    pass


def tokenize(s):
    toks = re.findall(r"\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|\*\*|[-+*/(),?:<>]|\S", s)
    if "".join(toks) != s.replace(" ", ""):
        raise NestmlError(f"cannot tokenize {s!r}")
    return toks


class Expr:
    """Parses one expression; names must be in `declared`. Evaluates with a dict of values."""

    def __init__(self, text, declared):
        self.toks, self.k, self.declared, self.names = tokenize(text), 0, declared, set()
        self.fn = self.ternary()
        if self.k != len(self.toks):
            raise NestmlError(f"unexpected {self.toks[self.k]!r} in {text!r}")

    def peek(self):
        return self.toks[self.k] if self.k < len(self.toks) else None

    def take(self, t=None):
        tok = self.peek()
        if tok is None or (t is not None and tok != t):
            raise NestmlError(f"expected {t or 'a token'}, got {tok!r}")
        self.k += 1
        return tok

    def ternary(self):
        c = self.comparison()
        if self.peek() == "?":
            self.take("?")
            a = self.ternary()
            self.take(":")
            b = self.ternary()
            return lambda v: a(v) if c(v) else b(v)
        return c

    def comparison(self):
        a = self.additive()
        if self.peek() in (">", "<"):
            op = self.take()
            b = self.additive()
            return (lambda v: a(v) > b(v)) if op == ">" else (lambda v: a(v) < b(v))
        return a

    def additive(self):
        a = self.term()
        while self.peek() in ("+", "-"):
            op, b = self.take(), self.term()
            a = (lambda x, y: lambda v: x(v) + y(v))(a, b) if op == "+" else (lambda x, y: lambda v: x(v) - y(v))(a, b)
        return a

    def term(self):
        a = self.unary()
        while self.peek() in ("*", "/"):
            op, b = self.take(), self.unary()
            if op == "*":
                a = (lambda x, y: lambda v: x(v) * y(v))(a, b)
            else:
                a = (lambda x, y: lambda v: _div(x(v), y(v)))(a, b)
        return a

    def unary(self):
        if self.peek() == "-":
            self.take()
            a = self.unary()
            return lambda v: -a(v)
        return self.power()

    def power(self):
        a = self.primary()
        if self.peek() == "**":
            self.take()
            b = self.unary()
            return lambda v: _pow(a(v), b(v))
        return a

    def primary(self):
        t = self.take()
        if t == "(":
            e = self.ternary()
            self.take(")")
            return e
        if re.fullmatch(r"[\d.].*", t):
            x = float(t)
            if self.peek() == "ms":
                self.take()
            return lambda v: x
        if not re.fullmatch(NAME, t):
            raise NestmlError(f"unexpected {t!r}")
        if self.peek() == "(":
            if t not in FUNCS:
                raise NestmlError(f"unknown function {t!r}")
            self.take("(")
            args = [self.ternary()]
            while self.peek() == ",":
                self.take(",")
                args.append(self.ternary())
            self.take(")")
            f = FUNCS[t]
            return lambda v: f(*[g(v) for g in args])
        if t not in self.declared:
            raise NestmlError(f"undeclared name {t!r}")
        self.names.add(t)
        return lambda v: v[t]


def _div(a, b):
    if b == 0:
        return float("nan") if a == 0 or math.isnan(a) else math.copysign(float("inf"), a) * math.copysign(1, b)
    return a / b


def _pow(a, b):
    try:
        r = a ** b
    except (OverflowError, ZeroDivisionError):
        return float("inf")
    return float("nan") if isinstance(r, complex) else r


def parse(text):
    """Models of a NESTML file: name -> {state, parameters (values, ms in ms), units, odes, handlers, ...}.
    Raises NestmlError naming the line for anything outside the grammar."""
    models, m, block = {}, None, None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip(" "))
        s = line.strip()
        try:
            if ind == 0:
                g = re.fullmatch(rf"model ({NAME}):", s)
                if not g:
                    raise NestmlError("expected 'model NAME:'")
                m = {"state": {}, "parameters": {}, "units": {}, "odes": {}, "ports": [], "output": None,
                     "handlers": {}, "update": []}
                models[g.group(1)] = m
                block = None
            elif ind == 4:
                if m is None:
                    raise NestmlError("a block outside a model")
                g = re.fullmatch(rf"onReceive\(({NAME})\):", s)
                if g:
                    if g.group(1) not in m["ports"]:
                        raise NestmlError(f"onReceive of an undeclared input port {g.group(1)!r}")
                    block = ("onReceive", g.group(1))
                    m["handlers"][g.group(1)] = []
                elif s.endswith(":") and s[:-1] in BLOCKS:
                    block = (s[:-1], None)
                else:
                    raise NestmlError(f"unknown block {s!r}")
            elif ind == 8 and block is not None:
                kind, port = block
                declared = set(m["state"]) | set(m["parameters"])
                if kind in ("state", "parameters"):
                    g = re.fullmatch(rf"({NAME}) (real|integer|ms) = (.+)", s)
                    if not g:
                        raise NestmlError("expected 'NAME TYPE = VALUE'")
                    name, unit, value = g.groups()
                    if name in declared:
                        raise NestmlError(f"{name!r} declared twice")
                    if unit == "ms" and not re.fullmatch(r"[-+\d.eE]+ ms", value):
                        raise NestmlError(f"{name!r}: a time needs a value in ms")
                    if unit != "ms" and value.endswith("ms"):
                        raise NestmlError(f"{name!r}: a real with a unit")
                    m[kind][name] = Expr(value, declared).fn({})
                    m["units"][name] = unit
                elif kind == "equations":
                    g = re.fullmatch(rf"({NAME})' = -({NAME}) / ({NAME})", s)
                    if not g or g.group(1) != g.group(2):
                        raise NestmlError("expected a linear decay X' = -X / tau")
                    x, tau = g.group(1), g.group(3)
                    if x not in m["state"] or m["parameters"].get(tau) is None or m["units"].get(tau) != "ms":
                        raise NestmlError(f"{x!r} must be a state variable and {tau!r} a parameter in ms")
                    m["odes"][x] = tau
                elif kind == "input":
                    g = re.fullmatch(rf"({NAME}) <- spike", s)
                    if not g:
                        raise NestmlError("expected 'NAME <- spike'")
                    m["ports"].append(g.group(1))
                elif kind == "output":
                    if s != "spike(weight real, delay ms)":
                        raise NestmlError("expected 'spike(weight real, delay ms)'")
                    m["output"] = s
                elif kind == "update":
                    if s != "integrate_odes()":
                        raise NestmlError("expected integrate_odes()")
                    m["update"].append(s)
                else:
                    g = re.fullmatch(rf"({NAME}) (\+?=) (.+)", s)
                    if s == "emit_spike(w, d)":
                        m["handlers"][port].append(("emit", None, None))
                    elif g:
                        if g.group(1) not in m["state"]:
                            raise NestmlError(f"assignment to {g.group(1)!r}, not a state variable")
                        m["handlers"][port].append((g.group(2), g.group(1), Expr(g.group(3), declared).fn))
                    else:
                        raise NestmlError("expected an assignment or emit_spike(w, d)")
            else:
                raise NestmlError(f"indentation {ind}")
        except NestmlError as e:
            raise NestmlError(f"line {no}: {raw.strip()!r}: {e}") from None
    for name, m in models.items():
        for need in ("pre_spikes", "post_spikes"):
            if need not in m["handlers"]:
                raise NestmlError(f"model {name}: no onReceive({need})")
        if m["output"] is None or not m["update"]:
            raise NestmlError(f"model {name}: an output and an update block are required")
        missing = set(m["state"]) - set(m["odes"]) - {"w"}
        if missing:
            raise NestmlError(f"model {name}: state variables without an equation: {sorted(missing)}")
    return models


def run(m, pre_steps, post_steps, dt, w0):
    """Weight after the events (pre arrivals and post spikes at step indices, never in the same step):
    decays exactly between events (times in ms), the onReceive blocks at the events."""
    v = dict(m["parameters"])
    v.update(m["state"])
    v["w"] = w0
    events = sorted([(s, "pre_spikes") for s in pre_steps] + [(s, "post_spikes") for s in post_steps])
    last = 0
    for s, port in events:
        gap = (s - last) * dt * 1e3  # ms
        for x, tau in m["odes"].items():
            v[x] *= math.exp(-gap / v[tau])
        last = s
        for op, target, fn in m["handlers"][port]:
            if op == "=":
                v[target] = fn(v)
            elif op == "+=":
                v[target] += fn(v)
    return v["w"]
