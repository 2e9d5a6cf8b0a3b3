"""Test cells that run in the grader's state, not the one student code left behind.

nbgrader executes a submission cell by cell in one kernel, so student code that runs before a test cell can
change how the test runs: IPython input/AST transformers that drop `assert`s, event callbacks, `sys.settrace`,
replaced builtins or library functions (`torch.equal`, `np.allclose`, `isinstance`), names in the notebook's
namespace that shadow them, objects whose `==`/`<`/`abs` always "succeed". `GuardedExecute` (nbgrader's
Execute preprocessor, configured in each throwaway root) defends in depth:

1. Before the first cell (no student code has run yet) it installs a guard in the kernel holding a snapshot of
   builtins, the callables of `math`, `operator`, numpy, torch (and `torch.Tensor`), `helpers.checks`, the
   IPython shell's transformers, callbacks, hooks and key methods, `sys` hooks.
2. Before each graded test cell it asks the guard (through `user_expressions`, which no IPython transformer
   sees) to compare the state with the snapshot, restore it, and bind the names the test imports (from the
   *source* notebook's import statements) to the real objects; every difference is a tamper reason.
3. The test cell is sent rewritten (trusted side, with `ast`): every value a comparison, arithmetic, call,
   attribute, subscript or assert touches goes through a check that rejects look-alikes (instances of classes
   defined by student code that override comparison/arithmetic dunders, subclasses of builtin values,
   ndarray/Tensor subclasses). Its last statement is a canary `assert` with a fresh random nonce: it must fail
   with that nonce; when it does not, the assertions of the cell did not run as written (tamper).
4. After the cell the guard reports the look-alikes it saw and the state is checked again.

Reasons go to `report_path` (JSON, read by trusted code in grading/autograde.py, which zeroes the affected
cells and flags the submission for review). This is in-process defence: a student who studies this file can
still patch the kernel in ways it does not check (see grading/README.md, "Tamper resistance").
"""

from __future__ import annotations

import ast
import builtins
import inspect
import json
import secrets
import sys
from pathlib import Path

from nbclient.util import run_sync
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

REPO = Path(__file__).resolve().parents[1]

# Dunders that decide what a test sees of a value; a class that defines any of them in student code is suspect.
DUNDERS = sorted({
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__len__", "__abs__", "__neg__",
    "__pos__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__mod__", "__pow__", "__round__", "__float__", "__int__", "__index__",
    "__hash__", "__contains__", "__getitem__", "__iter__", "__getattr__", "__getattribute__", "__instancecheck__",
    "__subclasscheck__", "__torch_function__", "__torch_dispatch__", "__array_ufunc__", "__array_function__",
    "__array__", "__class__", "__matmul__", "__and__", "__or__", "__reversed__", "__len__",
})

# Runs in the kernel, once, before any cell: defines the guard and returns its name in sys.modules.
KERNEL_GUARD = r'''
def _slm_make_guard(NONCE, TRUSTED, DUNDERS, MAIN_CLASSES, TRACKED):
    import ast as _ast, builtins, importlib, json, os, sys, threading, types
    ip = get_ipython()
    _id, _type, _isinstance, _getattr, _len, _list, _dict, _set = id, type, isinstance, getattr, len, list, dict, set
    _vars, _hasattr, _setattr, _callable, _repr = vars, hasattr, setattr, callable, repr
    ModuleType, FunctionType = types.ModuleType, types.FunctionType
    _dumps, _loads = json.dumps, json.loads  # bound now: a patched json cannot rewrite the reports
    mods = {}
    for name in TRACKED:
        try:
            mods[name] = importlib.import_module(name)
        except Exception:
            pass

    def _callables(ns):
        return {k: v for k, v in _list(ns.items()) if _callable(v) and not _isinstance(v, ModuleType)}

    FULL = ("helpers.checks",)  # every global of these, not only their callables
    snap_mods = {name: (m, _dict(_vars(m)) if name in FULL else _callables(_vars(m))) for name, m in mods.items()}
    snap_code = {_id(v): (v, v.__code__, v.__defaults__, v.__kwdefaults__)
                 for _, funcs in snap_mods.values() for v in funcs.values() if _isinstance(v, FunctionType)}
    classes = []
    if "torch" in mods:
        classes += [mods["torch"].Tensor, mods["torch"].nn.Parameter]
    snap_classes = {c: _dict(c.__dict__) for c in classes}

    def _slotnames(c):   # what copyreg caches as cls.__slotnames__ the first time an instance is copied or pickled
        names = []
        for k in c.__mro__:
            slots = k.__dict__.get("__slots__", ())
            for n in ((slots,) if _isinstance(slots, str) else slots):
                if n not in ("__dict__", "__weakref__"):
                    names.append(f"_{k.__name__.lstrip('_')}{n}" if n.startswith("__") and not n.endswith("__") else n)
        return names

    genuine_slotnames = {c: _slotnames(c) for c in classes}
    snap_builtins = _dict(_vars(builtins))
    shell_cls = _type(ip)
    kernel = _getattr(ip, "kernel", None)
    SHELL_METHODS = ("run_cell", "run_cell_async", "_run_cell", "run_ast_nodes", "run_code", "transform_cell",
                     "transform_ast", "showtraceback", "_showtraceback", "should_run_async", "user_expressions",
                     "_format_user_obj", "showsyntaxerror", "get_exception_only", "_get_exc_info", "ex", "ev")
    KERNEL_METHODS = ("do_execute", "execute_request", "dispatch_shell", "_publish_execute_input",
                      "_send_interrupt_children", "interrupt_request")
    snap_methods = {}
    for owner, names in ((shell_cls, SHELL_METHODS), (_type(kernel), KERNEL_METHODS)):
        for c in owner.__mro__:
            for n in names:
                if n in c.__dict__:
                    snap_methods[(c, n)] = c.__dict__[n]
    snap_inst = {(label, n): _vars(obj)[n] for obj, names, label in ((ip, SHELL_METHODS, "shell"),
                                                                     (kernel, KERNEL_METHODS, "kernel"))
                 if obj is not None for n in names if n in _vars(obj)}
    itm = ip.input_transformer_manager
    snap_ip = dict(
        cleanup=_list(ip.input_transformers_cleanup), post=_list(ip.input_transformers_post),
        itm=itm, itm_cleanup=_list(itm.cleanup_transforms), itm_line=_list(itm.line_transforms),
        itm_token=_list(itm.token_transformers), ast=_list(ip.ast_transformers),
        events={k: _list(v) for k, v in ip.events.callbacks.items()},
        custom_exceptions=ip.custom_exceptions, CustomTB=ip.CustomTB, compile=ip.compile,
        compile_cls_call=_type(ip.compile).__dict__.get("__call__"),
        displayhook=ip.displayhook, sys_displayhook=sys.displayhook, excepthook=sys.excepthook,
        stdout=sys.stdout, stderr=sys.stderr, meta_path=_list(sys.meta_path), path_hooks=_list(sys.path_hooks),
        breakpointhook=sys.breakpointhook, modules={n: sys.modules.get(n) for n in mods},
        compile_flags=ip.compile.flags,
    )
    torch = mods.get("torch")

    def trusted_file(f):
        try:
            f = os.path.realpath(f)
        except Exception:
            return False
        return any(f == t or f.startswith(t + os.sep) for t in TRUSTED)

    def trusted_callable(v):
        if _isinstance(v, (staticmethod, classmethod)):
            v = v.__func__
        if _isinstance(v, property):
            return all(trusted_callable(f) for f in (v.fget, v.fset, v.fdel) if f is not None)
        code = _getattr(v, "__code__", None)
        if code is not None and _type(code) is types.CodeType:
            return trusted_file(code.co_filename)
        return _type(v) in (types.BuiltinFunctionType, types.WrapperDescriptorType, types.MethodDescriptorType,
                            types.MethodWrapperType, types.GetSetDescriptorType, types.MemberDescriptorType,
                            types.ClassMethodDescriptorType, _type(None), _type(NotImplemented))

    def student_type(t):
        """A class with any method defined outside trusted files (import hooks, modes)."""
        for c in t.__mro__:
            if c.__flags__ & (1 << 9):
                for v in c.__dict__.values():
                    if _callable(v) or _isinstance(v, (staticmethod, classmethod, property)):
                        if not trusted_callable(v):
                            return True
        return False

    def trusted_type(t):
        if not (t.__flags__ & (1 << 9)):  # Py_TPFLAGS_HEAPTYPE unset: a C type (builtins, numpy, torch._C)
            return True
        if t.__module__ == "__main__" and t.__qualname__ in MAIN_CLASSES:
            return True  # a class the course notebook itself defines (residual risk: see grading/README.md)
        for c in t.__mro__:
            if not (c.__flags__ & (1 << 9)):
                continue
            d = c.__dict__
            mod = sys.modules.get(_getattr(c, "__module__", ""), None)
            mod_ok = mod is not None and trusted_file(_getattr(mod, "__file__", "") or "")
            for n in _set(d) & DUNDERS:
                v = d[n]
                code = _getattr(_getattr(v, "__func__", v), "__code__", None)
                if code is not None and _type(code) is types.CodeType and not code.co_filename.startswith("<"):
                    if not trusted_file(code.co_filename):
                        return False
                elif not mod_ok:  # C callables, None, generated code (dataclasses): the class's module decides
                    return False
        return True

    hits = []

    def value(v):
        t = _type(v)
        if not trusted_type(t):
            hits.append(f"{t.__module__}.{t.__qualname__}")
            raise AssertionError(f"a test received a {t.__qualname__} object whose comparisons or arithmetic are "
                                 "defined by the notebook; return plain values (int, float, list, ndarray, tensor)")
        return v

    def check_state(bindings, used_builtins):
        reasons = []
        def bad(kind, what):
            reasons.append([kind, what])
        cur = ip.input_transformers_cleanup
        if cur != snap_ip["cleanup"]:
            bad("ipython", "input_transformers_cleanup changed"); cur[:] = snap_ip["cleanup"]
        if ip.input_transformers_post != snap_ip["post"]:
            bad("ipython", "input_transformers_post changed"); ip.input_transformers_post[:] = snap_ip["post"]
        if ip.input_transformer_manager is not itm:
            bad("ipython", "input_transformer_manager replaced"); ip.input_transformer_manager = itm
        for attr, key in (("cleanup_transforms", "itm_cleanup"), ("line_transforms", "itm_line"),
                          ("token_transformers", "itm_token")):
            if _getattr(itm, attr) != snap_ip[key]:
                bad("ipython", f"input transformer ({attr}) added"); _setattr(itm, attr, _list(snap_ip[key]))
        if ip.ast_transformers != snap_ip["ast"]:
            bad("ipython", "AST transformer registered"); ip.ast_transformers[:] = snap_ip["ast"]
        for ev, cbs in ip.events.callbacks.items():
            extra = [cb for cb in cbs if cb not in snap_ip["events"].get(ev, [])
                     and not trusted_callable(_getattr(cb, "__func__", cb))]
            if extra:
                bad("ipython", f"event callback on {ev}")
                for cb in extra:
                    cbs.remove(cb)
        if ip.custom_exceptions != snap_ip["custom_exceptions"] or ip.CustomTB is not snap_ip["CustomTB"]:
            bad("ipython", "custom exception handler set")
            ip.custom_exceptions, ip.CustomTB = snap_ip["custom_exceptions"], snap_ip["CustomTB"]
        if ip.compile is not snap_ip["compile"] or _type(ip.compile).__dict__.get("__call__") is not snap_ip["compile_cls_call"]:
            bad("ipython", "the shell's compiler replaced"); ip.compile = snap_ip["compile"]
        if ip.compile.flags != snap_ip["compile_flags"]:
            ip.compile.flags = snap_ip["compile_flags"]  # __future__ imports: restored, not flagged
        for obj, names, label in ((ip, SHELL_METHODS, "shell"), (kernel, KERNEL_METHODS, "kernel")):
            for n in names if obj is not None else ():
                v = _vars(obj).get(n, bad)
                if v is not bad and v is not snap_inst.get((label, n), bad):
                    bad("ipython", f"{label}.{n} overridden"); delattr(obj, n)
                    if (label, n) in snap_inst:
                        _setattr(obj, n, snap_inst[(label, n)])
        for (c, n), v in snap_methods.items():
            if c.__dict__.get(n) is not v:
                bad("ipython", f"{c.__name__}.{n} replaced"); _setattr(c, n, v)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            bad("hooks", "sys.settrace/setprofile hook"); sys.settrace(None); sys.setprofile(None)
        if threading.gettrace() is not None or threading.getprofile() is not None:
            bad("hooks", "threading trace/profile hook"); threading.settrace(None); threading.setprofile(None)
        for key, getter, setter in (("excepthook", lambda: sys.excepthook, lambda v: _setattr(sys, "excepthook", v)),
                                    ("sys_displayhook", lambda: sys.displayhook, lambda v: _setattr(sys, "displayhook", v)),
                                    ("breakpointhook", lambda: sys.breakpointhook, lambda v: _setattr(sys, "breakpointhook", v)),
                                    ("displayhook", lambda: ip.displayhook, lambda v: _setattr(ip, "displayhook", v))):
            if getter() is not snap_ip[key]:
                bad("hooks", f"{key} replaced"); setter(snap_ip[key])
        for key in ("stdout", "stderr"):
            if _getattr(sys, key) is not snap_ip[key]:
                _setattr(sys, key, snap_ip[key])  # restored, not flagged: redirecting output is common
        if sys.meta_path != snap_ip["meta_path"] or sys.path_hooks != snap_ip["path_hooks"]:
            extra = [f for f in sys.meta_path + sys.path_hooks
                     if f not in snap_ip["meta_path"] and f not in snap_ip["path_hooks"]
                     and ((_callable(f) and _getattr(f, "__code__", None) is not None and not trusted_callable(f))
                          or student_type(_type(f)))]
            if extra:
                bad("import", "import hook added")
                sys.meta_path[:] = [f for f in sys.meta_path if f not in extra]
                sys.path_hooks[:] = [f for f in sys.path_hooks if f not in extra]
        for n, m in snap_ip["modules"].items():
            if sys.modules.get(n) is not m:
                bad("library", f"sys.modules[{n!r}] replaced"); sys.modules[n] = m
        b = _vars(builtins)
        for k, v in snap_builtins.items():
            if k in ("_", "__", "___") or k.startswith("_i"):
                continue
            if b.get(k, bad) is not v:
                bad("builtins", f"builtins.{k} replaced"); b[k] = v
        for name, (m, funcs) in snap_mods.items():
            d = _vars(m)
            for k, v in funcs.items():
                now = d.get(k, bad)
                if now is not v:
                    code = _getattr(now, "__code__", None)
                    if (code is not None and trusted_callable(now) and not code.co_filename.startswith("<")
                            and _getattr(now, "__name__", None) == _getattr(v, "__name__", k)):
                        funcs[k] = now  # a library wrapping its own function (e.g. transformers, accelerate)
                        continue
                    bad("library", f"{name}.{k} replaced"); _setattr(m, k, v)
        for v, code, defaults, kwdefaults in snap_code.values():
            if v.__code__ is not code or v.__defaults__ is not defaults or v.__kwdefaults__ is not kwdefaults:
                bad("library", f"the code of {v.__module__}.{v.__qualname__} replaced")
                v.__code__, v.__defaults__, v.__kwdefaults__ = code, defaults, kwdefaults
        for c, d0 in snap_classes.items():
            d = c.__dict__
            for k in _set(d) | _set(d0):
                now = d.get(k, bad)
                if now is not d0.get(k, bad):
                    if (k == "__slotnames__" and _type(now) is _list and all(_type(x) is str for x in now)
                            and now == genuine_slotnames[c]):
                        d0[k] = now  # copyreg's cache, set by copy.deepcopy / pickle / torch.save: harmless
                        continue
                    if now is not bad and (trusted_callable(now) if _callable(now) or _hasattr(now, "__get__")
                                           else False) and _getattr(now, "__code__", None) is not None:
                        d0[k] = now  # a library adding or wrapping a method (quantization toolkits do)
                        continue
                    bad("library", f"{c.__name__}.{k} replaced or added")
                    if k in d0:
                        _setattr(c, k, d0[k])
                    else:
                        delattr(c, k)
        if torch is not None:
            try:
                from torch.overrides import _get_current_function_mode_stack
                from torch.utils._python_dispatch import _get_current_dispatch_mode_stack
                for mode in _list(_get_current_function_mode_stack()) + _list(_get_current_dispatch_mode_stack()):
                    if not trusted_type(_type(mode)):
                        bad("library", f"torch mode {_type(mode).__qualname__} active")
            except Exception:
                pass
        ns = ip.user_ns
        for k in used_builtins:
            if k in ns and ns[k] is not snap_builtins.get(k):
                bad("namespace", f"{k!r} shadows the builtin"); del ns[k]
        for k, (modname, attr) in bindings.items():
            try:
                m = sys.modules.get(modname) or importlib.import_module(modname)
                real = m if attr is None else _getattr(m, attr)
            except Exception:
                continue
            if ns.get(k, real) is not real:
                bad("namespace", f"{k!r} is not {modname}{'.' + attr if attr else ''}")
            ns[k] = real
        return reasons

    def report(data):
        return "SLM-GUARD:" + NONCE + ":" + _dumps(data)

    class Guard:
        __slots__ = ()
        def before(self, spec_json):
            spec = _loads(spec_json)
            hits.clear()
            reasons = check_state(spec["bindings"], spec["builtins"])
            ip.user_ns["_slm_v_" + NONCE] = value
            return report(reasons)
        def after(self):
            found = _list(dict.fromkeys(hits))
            hits.clear()
            reasons = [["value", f"look-alike value of type {h}"] for h in found]
            reasons += check_state({}, [])
            return report(reasons)
    g = Guard()
    sys.modules["_slm_guard_" + NONCE] = g
    return report([])
'''


class CheckValues(ast.NodeTransformer):
    """Route every value a test looks at through `check(value)` (`check` is a name bound in the kernel)."""

    def __init__(self, check: str):
        self.check = check

    def wrap(self, node: ast.expr) -> ast.expr:
        if isinstance(node, (ast.Constant, ast.Starred, ast.Lambda)):
            return node
        return ast.copy_location(ast.Call(ast.Name(self.check, ast.Load()), [node], []), node)

    def visit_Compare(self, node):
        self.generic_visit(node)
        node.left = self.wrap(node.left)
        node.comparators = [self.wrap(c) for c in node.comparators]
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        node.left, node.right = self.wrap(node.left), self.wrap(node.right)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        node.operand = self.wrap(node.operand)
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        node.values = [self.wrap(v) for v in node.values]
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        node.args = [self.wrap(a) for a in node.args]
        for kw in node.keywords:
            kw.value = self.wrap(kw.value)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = self.wrap(node.value)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = self.wrap(node.value)
        return node

    def visit_Assert(self, node):
        self.generic_visit(node)
        node.test = self.wrap(node.test)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        node.iter = self.wrap(node.iter)
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = self.wrap(node.iter)
        return node


def guarded_source(source: str, nonce: str) -> str | None:
    """The test cell as sent to the kernel: values checked, then the nonce canary; None if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    # one leading underscore: a double-underscore name would be mangled inside a class body of the test cell
    tree = ast.fix_missing_locations(CheckValues(f"_slm_v_{nonce}").visit(tree))
    canary = f"\nassert _slm_v_{nonce}({int(nonce[:6], 16)}) == {int(nonce[:6], 16) + 1}, {nonce!r}\n"
    return ast.unparse(tree) + canary


def free_names(source: str) -> set[str]:
    """Names a cell reads that it does not bind itself."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    loads, stores = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stores.update((a.asname or a.name).split(".")[0] for a in node.names)
    return loads - stores


def import_bindings(cells_source: list[str]) -> dict[str, tuple[str, str | None]]:
    """name -> (module, attribute or None) for every top-level import of the (trusted) source notebook."""
    found: dict[str, tuple[str, str | None]] = {}
    for src in cells_source:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        found[a.asname] = (a.name, None)
                    else:
                        found[a.name.split(".")[0]] = (a.name.split(".")[0], None)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    if a.name != "*":
                        found[a.asname or a.name] = (node.module, a.name)
    return found


# Modules whose callables the snapshot keeps, when the source notebook imports their package at all (a
# notebook without torch does not pay for importing it before its first cell).
TRACKED = ["math", "operator", "numpy", "numpy.testing", "numpy.linalg", "torch", "torch.testing",
           "torch.nn.functional", "helpers", "helpers.checks", "functools"]


def tracked_modules(bindings: dict[str, tuple[str, str | None]]) -> list[str]:
    roots = {mod.split(".")[0] for mod, _ in bindings.values()}
    return [m for m in TRACKED if m.split(".")[0] in roots | {"math", "operator", "functools", "numpy"}]


def notebook_classes(cells_source: list[str]) -> set[str]:
    """Classes the course notebook itself defines at top level (their instances may reach tests)."""
    found = set()
    for src in cells_source:
        try:
            found.update(n.name for n in ast.parse(src).body if isinstance(n, ast.ClassDef))
        except SyntaxError:
            pass
    return found


def trusted_dirs() -> list[str]:
    """Where code the tests may rely on lives: the interpreter, the venv, the course's helpers."""
    import os

    dirs = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, REPO / "helpers")}
    return sorted(dirs)


class GuardedExecute(Execute):
    """nbgrader's Execute with the guard of this module around every graded test cell."""

    report_path = Unicode("", help="JSON file for the tamper reasons (trusted side)").tag(config=True)
    guard_timeout = Integer(300, help="seconds the guard's own calls may take (the notebook's wall clock still applies)")
    source_path = Unicode("", help="the source notebook: its imports are the names tests rely on").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._nonce = secrets.token_hex(16)
        self._guard = None
        self._reasons: list[dict] = []
        self._checked = 0
        self._bindings: dict = {}
        self._classes: list[str] = []
        if self.source_path and Path(self.source_path).exists():
            import nbformat

            src = nbformat.read(self.source_path, as_version=4)
            code = [c.source for c in src.cells if c.cell_type == "code"]
            self._bindings = import_bindings(code)
            self._classes = sorted(notebook_classes(code))
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._write()

    def _write(self) -> None:
        if self.report_path:
            Path(self.report_path).write_text(json.dumps({"reasons": self._reasons, "checked": self._checked}))

    def _flag(self, cell_id: str, kind: str, text: str) -> None:
        self._reasons.append({"cell": cell_id, "kind": kind, "text": text})
        self._write()

    def _trusted(self, expression: str, code: str = "pass") -> object:
        """Evaluate `expression` in the kernel without IPython's transformers; the guard's decoded reply."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions={"g": expression})
        if inspect.isawaitable(msg_id):
            msg_id = run_sync(lambda: msg_id)()
        cell_timeout, self.timeout = self.timeout, max(self.timeout or 0, self.guard_timeout)
        try:  # the guard's own calls (the install imports numpy/torch) are not held to the per-cell limit
            reply = self.wait_for_reply(msg_id)
        finally:
            self.timeout = cell_timeout
        try:
            data = reply["content"]["user_expressions"]["g"]["data"]["text/plain"]
            text = ast.literal_eval(data)
            prefix = f"SLM-GUARD:{self._nonce}:"
            if not text.startswith(prefix):
                return None
            return json.loads(text[len(prefix):])
        except Exception:
            return None

    def _install(self) -> None:
        # The cell only defines the maker; the snapshot is taken where the checks run (user_expressions, after
        # the cell, outside IPython's builtin/display traps), so both see the kernel in the same context.
        args = (f"{self._nonce!r}, {trusted_dirs()!r}, frozenset({DUNDERS!r}), frozenset({self._classes!r}), "
                f"{tracked_modules(self._bindings)!r}")
        ok = self._trusted(f"globals().pop('_slm_make_guard')({args})", code=KERNEL_GUARD)
        self._guard = f"__import__('sys').modules['_slm_guard_{self._nonce}']"
        if ok != []:
            self._flag("", "guard", "the grader's guard could not be installed in the kernel")

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if self._guard is None:
            self._install()
        if cell.cell_type != "code" or not meta.get("grade") or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        gid = meta.get("grade_id", f"cell-{index}")
        self._checked += 1
        names = free_names(cell.source)
        spec = {"bindings": {k: v for k, v in self._bindings.items() if k in names},
                "builtins": sorted(n for n in names if n in vars(builtins))}
        before = self._trusted(f"{self._guard}.before({json.dumps(json.dumps(spec))})")
        if before is None:
            self._flag(gid, "guard", "the grader's check got no answer from the kernel (its internals were changed)")
        else:
            for kind, text in before:
                self._flag(gid, kind, text)
        original = cell.source
        sent = guarded_source(original, self._nonce)
        if sent is None:
            return super().preprocess_cell(cell, resources, index)
        cell.source = sent
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = original
        # exactly the canary's own failure: any other error that merely mentions the nonce (a NameError on a
        # mangled name, a student's message) is the test failing, not the canary
        canary = [o for o in cell.outputs if o.output_type == "error" and o.get("ename") == "AssertionError"
                  and str(o.get("evalue", "")) == self._nonce]
        others = [o for o in cell.outputs if o.output_type == "error" and o not in canary]
        cell.outputs = [o for o in cell.outputs if o not in canary]
        for o in cell.outputs:  # the rewritten source is ours: show the cell's own lines in tracebacks
            if o.output_type == "error":
                o.traceback = [line for line in o.traceback if f"_slm_v_{self._nonce}" not in line] or \
                    [f"{o.ename}: {o.evalue}"]
        if not canary and not others:
            self._flag(gid, "canary", "the test cell ran without its assertions failing when they must "
                                       "(assertions or execution were changed)")
        after = self._trusted(f"{self._guard}.after()")
        if after is None:
            self._flag(gid, "guard", "the grader's check got no answer from the kernel after the test")
        else:
            for kind, text in after:
                self._flag(gid, kind, text)
        return cell, resources
