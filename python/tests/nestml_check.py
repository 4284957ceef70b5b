"""A small checker for the NESTML that `plast export --to nestml` writes, without NEST or NESTML installed:
a line grammar for the model, its blocks and declarations (NESTML 8 syntax), the statements of the
handlers and the update block (local declarations, assignments, while loops, emit_spike,
integrate_odes), continuous input ports in mV, a recursive-descent parser for the expression subset
(ternary, comparisons, + - * / **, unary minus, calls of clip, min, max, exp, ln, abs, resolution,
timestep, steps, numbers with an optional ms unit, NAME / mV, declared names), and an event-driven
interpreter of the parsed model (before every event the update block with timestep() = the time since
the last event: exact decay of the linear ODEs in integrate_odes(), or the model's own loop; then the
onReceive block) to check what the model computes."""
import math
import re

FUNCS = {"clip": lambda x, a, b: min(max(x, a), b), "min": min, "max": max, "exp": math.exp,
         "ln": lambda x: math.log(x) if x > 0 else (float("-inf") if x == 0 else float("nan")), "abs": abs}
BLOCKS = ("state", "parameters", "equations", "input", "output", "update")
UNITS = ("ms", "mV")
CLOCK = ("resolution", "timestep")  # functions of no argument: the simulation step and the time since the last event (ms)
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
            if self.peek() in UNITS:
                self.take()
            return lambda v: x
        if not re.fullmatch(NAME, t):
            raise NestmlError(f"unexpected {t!r}")
        if t in UNITS:  # NAME / mV: a quantity as a number in that unit (values are kept in ms and mV)
            return lambda v: 1.0
        if t in CLOCK:
            self.take("(")
            self.take(")")
            return lambda v: v["$" + t]
        if t == "steps":
            self.take("(")
            a = self.ternary()
            self.take(")")
            return lambda v: int(round(a(v) / v["$resolution"]))
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


def _statement(s, m, scope, body, stack, ind):
    """One statement of a handler or the update block, appended to `body`; `scope` holds the names
    declared so far (state, parameters, input ports, locals)."""
    g_decl = re.fullmatch(rf"({NAME}) (real|integer) = (.+)", s)
    g_while = re.fullmatch(r"while (.+):", s)
    g_assign = re.fullmatch(rf"({NAME}) (\+?=) (.+)", s)
    if s == "emit_spike(w, d)":
        body.append(("emit",))
    elif s == "integrate_odes()":
        body.append(("integrate",))
    elif g_while:
        inner = []
        body.append(("while", Expr(g_while.group(1), scope).fn, inner))
        stack.append((ind + 4, inner))
    elif g_decl:
        name = g_decl.group(1)
        if name in scope:
            raise NestmlError(f"{name!r} declared twice")
        fn = Expr(g_decl.group(3), scope).fn
        scope.add(name)
        body.append(("=", name, fn))
    elif g_assign:
        name = g_assign.group(1)
        if name not in m["state"] and name not in m["locals"]:
            raise NestmlError(f"assignment to {name!r}, not a state variable")
        body.append((g_assign.group(2), name, Expr(g_assign.group(3), scope).fn))
    else:
        raise NestmlError("expected a declaration, an assignment, while, integrate_odes() or emit_spike(w, d)")
    if g_decl:
        m["locals"].add(g_decl.group(1))


def parse(text):
    """Models of a NESTML file: name -> {state, parameters (values, ms in ms), units, odes, ports, handlers,
    update (statements), ...}. Raises NestmlError naming the line for anything outside the grammar."""
    models, m, block, stack = {}, None, None, []
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
                m = {"state": {}, "parameters": {}, "units": {}, "odes": {}, "ports": [], "continuous": [],
                     "output": None, "handlers": {}, "update": [], "locals": set()}
                models[g.group(1)] = m
                block = None
            elif ind == 4:
                if m is None:
                    raise NestmlError("a block outside a model")
                g = re.fullmatch(rf"onReceive\(({NAME})\):", s)
                declared = set(m["state"]) | set(m["parameters"]) | set(m["continuous"])
                if g:
                    if g.group(1) not in m["ports"]:
                        raise NestmlError(f"onReceive of an undeclared input port {g.group(1)!r}")
                    block = ("onReceive", g.group(1))
                    m["handlers"][g.group(1)] = []
                    stack = [(8, m["handlers"][g.group(1)])]
                    m["scope"] = set(declared)
                elif s.endswith(":") and s[:-1] in BLOCKS:
                    block = (s[:-1], None)
                    stack = [(8, m["update"])] if s[:-1] == "update" else []
                    m["scope"] = set(declared)
                else:
                    raise NestmlError(f"unknown block {s!r}")
            elif ind >= 8 and block is not None:
                kind, port = block
                declared = set(m["state"]) | set(m["parameters"])
                if kind in ("onReceive", "update"):
                    while stack and ind < stack[-1][0]:
                        stack.pop()
                    if not stack or ind != stack[-1][0]:
                        raise NestmlError(f"indentation {ind}")
                    _statement(s, m, m["scope"], stack[-1][1], stack, ind)
                elif ind != 8:
                    raise NestmlError(f"indentation {ind}")
                elif kind in ("state", "parameters"):
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
                    c = re.fullmatch(rf"({NAME}) mV <- continuous", s)
                    if g:
                        m["ports"].append(g.group(1))
                    elif c:
                        if c.group(1) in declared:
                            raise NestmlError(f"{c.group(1)!r} declared twice")
                        m["continuous"].append(c.group(1))
                    else:
                        raise NestmlError("expected 'NAME <- spike' or 'NAME mV <- continuous'")
                elif kind == "output":
                    if s != "spike(weight real, delay ms)":
                        raise NestmlError("expected 'spike(weight real, delay ms)'")
                    m["output"] = s
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
        # Every trace (a state variable jumping by 1.0 at an event) must evolve between events: by an
        # equation that integrate_odes() integrates, or by assignments in the update block.
        jumps = {st[1] for h in m["handlers"].values() for st in h
                 if st[0] == "+=" and _constant(st[2]) and st[2]({}) == 1.0}
        integrates = any(st[0] == "integrate" for st in _walk(m["update"]))
        advanced = {st[1] for st in _walk(m["update"]) if st[0] in ("=", "+=")}
        missing = {x for x in jumps if not ((x in m["odes"] and integrates) or x in advanced)}
        if missing:
            raise NestmlError(f"model {name}: state variables without an equation: {sorted(missing)}")
        if m["odes"] and not integrates:
            raise NestmlError(f"model {name}: equations without integrate_odes() in the update block")
    return models


def _constant(fn):
    try:
        fn({})
        return True
    except (KeyError, TypeError):
        return False


def _walk(body):
    for st in body:
        yield st
        if st[0] == "while":
            yield from _walk(st[2])


def _execute(body, v, m, gap):
    for st in body:
        op = st[0]
        if op == "integrate":
            for x, tau in m["odes"].items():
                v[x] *= math.exp(-gap / v[tau])
        elif op == "while":
            while st[1](v):
                _execute(st[2], v, m, gap)
        elif op == "=":
            v[st[1]] = st[2](v)
        elif op == "+=":
            v[st[1]] += st[2](v)


def run(m, pre_steps, post_steps, dt, w0, end_step=None, ports=None):
    """Weight after the events (pre arrivals and post spikes at step indices, never in the same step):
    before every event the update block with timestep() = the time since the last event (ms), then the
    onReceive block. `end_step`: run the update block once more at that step (NEST brings a synapse up to
    date only at its next event; plast's weight after step end_step - 1). `ports`: values of the
    continuous input ports (mV, constant)."""
    v = dict(m["parameters"])
    v.update(m["state"])
    v.update(ports or {})
    v["w"] = w0
    v["$resolution"] = dt * 1e3
    events = sorted([(s, "pre_spikes") for s in pre_steps] + [(s, "post_spikes") for s in post_steps])
    if end_step is not None:
        events.append((end_step, None))
    last = 0
    for s, port in events:
        gap = (s - last) * dt * 1e3  # ms
        v["$timestep"] = gap
        _execute(m["update"], v, m, gap)
        last = s
        if port is not None:
            _execute(m["handlers"][port], v, m, gap)
    return v["w"]
