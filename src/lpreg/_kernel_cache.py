r"""On-disk caching of the numba loops that take kernels as arguments.

The solvers' loops receive the penalty's and the datafit's scalar kernels (jitted functions)
as arguments, and numba specialises each loop per kernel.  numba cannot cache such a
specialisation on disk: its cache index is keyed by the argument *types*, and the type of a
jitted-function argument belongs to one process's dispatcher object; a kernel called inside a
branch is moreover lowered as a function pointer, a "dynamic global" numba refuses to cache.
So every process compiled every (loop, kernels) pair again: 2-7 s each, the bulk of a first
``lpreg compare``.

This module writes, per (loop, kernels) pair, a small module to the cache folder holding a copy
of the loop's source in which the kernel parameters are *globals*, imported by name:

.. code-block:: python

    from lpreg.penalties.l1 import l1_prox_scalar as _k0
    ...

    @njit(cache=True)
    def _s0(w, step, params, ...):          # prox, value removed from the parameters
        ... _k0(x, step, params) ...         # was: prox(x, step, params)

Loops called inside with kernel arguments (``prox_coordinate(prox, value, ...)``, an epoch
loop passed as an argument) are specialised the same way, recursively.  numba caches the result
like any other function, and the next process loads it from disk.  The file's name holds a hash
of the generated text and of every source file of lpreg, and the folder numba's and Python's
versions, so editing lpreg or upgrading numba gives new files rather than stale machine code.
The substitution changes no arithmetic: the same statements run on the same values.

:class:`lpreg.penalties.base.CompiledCall` uses :func:`specialize` on its first call per argument
fingerprint.  Anything unusual (a kernel that is not an importable module attribute, a kernel
used other than called or passed on, source that cannot be read, an unwritable folder, a
compilation error) returns None and the caller keeps numba's per-process compilation.

The folder is ``$LPREG_CACHE_DIR``, else ``$XDG_CACHE_HOME/lpreg`` (``~/.cache/lpreg``), with a
sub-folder per Python and numba version; ``LPREG_CACHE_DIR=off`` disables the cache.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import inspect
import logging
import os
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

from numba.core.dispatcher import Dispatcher

logger = logging.getLogger("lpreg")

_LOCK = threading.Lock()
_BUILT = {}
_STATE = {"folder": None, "source_hash": None}


class _Unsupported(Exception):
    """The loop cannot be specialised safely; the caller falls back to plain numba."""


def cache_folder():
    """The folder of the generated modules (created), or None when caching is off/unusable."""
    if _STATE["folder"] is not None:
        return _STATE["folder"] or None
    import numba

    setting = os.environ.get("LPREG_CACHE_DIR", "")
    if setting.lower() in ("off", "0", "false", "no"):
        _STATE["folder"] = False
        return None
    if setting:
        root = Path(setting)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = Path(base) / "lpreg"
    folder = (
        root / f"kernels-py{sys.version_info[0]}{sys.version_info[1]}-numba{numba.__version__}"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe"):
            pass
    except OSError as exc:
        logger.debug("lpreg kernel cache off: %s is not writable (%s)", folder, exc)
        _STATE["folder"] = False
        return None
    _STATE["folder"] = folder
    return folder


def _source_hash():
    """A hash of every ``.py`` file of the lpreg package (computed once per process)."""
    if _STATE["source_hash"] is None:
        import lpreg

        digest = hashlib.sha256()
        root = Path(lpreg.__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
        _STATE["source_hash"] = digest.hexdigest()[:16]
    return _STATE["source_hash"]


def _importable(function):
    """``(module, name)`` under which the dispatcher ``function`` is importable."""
    py_func = getattr(function, "py_func", None)
    module_name = getattr(py_func, "__module__", None)
    name = getattr(py_func, "__name__", None)
    if not module_name or module_name == "__main__" or not name or "<" in py_func.__qualname__:
        raise _Unsupported(f"{function!r} is not a module attribute")
    module = sys.modules.get(module_name)
    if module is None or getattr(module, name, None) is not function:
        raise _Unsupported(f"{function!r} is not importable as {module_name}.{name}")
    return module_name, name


class _Generator:
    """Writes the specialised copies of the loops, one function per (loop, bindings)."""

    def __init__(self):
        self.kernels = {}  # dispatcher -> alias
        self.imports = {}  # alias -> (module, name)
        self.functions = []  # source text of the specialised functions
        self.done = {}  # (loop, bindings) -> name

    def alias(self, function):
        if function not in self.kernels:
            alias = f"_lpk{len(self.kernels)}"
            self.kernels[function] = alias
            self.imports[alias] = _importable(function)
        return self.kernels[function]

    def global_name(self, name, value, module_name):
        """Import the global ``name`` of ``module_name`` under its own name (once)."""
        found = self.imports.get(name)
        if found is not None:
            if found != (module_name, name) and (
                getattr(sys.modules[found[0]], found[1], None) is not value
            ):
                raise _Unsupported(f"two different globals named {name}")
            return
        self.imports[name] = (module_name, name)

    def specialize(self, loop, bindings, cache):
        """The name of ``loop``'s copy with ``bindings`` (parameter -> dispatcher) as globals."""
        key = (loop, tuple(sorted(bindings.items(), key=lambda item: item[0])))
        if key in self.done:
            return self.done[key]
        name = f"_lps{len(self.done)}"
        self.done[key] = name
        py_func = loop.py_func
        try:
            source = textwrap.dedent(inspect.getsource(py_func))
        except (OSError, TypeError) as exc:
            raise _Unsupported(f"no source for {py_func.__qualname__}") from exc
        tree = ast.parse(source)
        function = tree.body[0]
        if not isinstance(function, ast.FunctionDef):
            raise _Unsupported("not a plain function")
        arguments = function.args
        if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.defaults:
            raise _Unsupported("only positional parameters without defaults are handled")
        parameters = [a.arg for a in arguments.args]
        aliases = {p: self.alias(f) for p, f in bindings.items()}
        local_names = set(parameters) | {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Name)
                and node.id in bindings
                and not (isinstance(node.ctx, ast.Load))
            ):
                raise _Unsupported("a kernel parameter is reassigned")
        module_globals = py_func.__globals__
        if any(g.startswith(("_lpk", "_lps")) for g in module_globals):
            raise _Unsupported("the loop's module uses the generated names")
        transformer = _Substitute(self, bindings, aliases, module_globals)
        function = transformer.visit(function)
        function.args.args = [a for a in arguments.args if a.arg not in bindings]
        function.name = name
        function.decorator_list = []
        # the globals the body reads, imported from the loop's module under their own names
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id not in local_names
                and node.id in module_globals
                and not node.id.startswith("_lp")
            ):
                self.global_name(node.id, module_globals[node.id], py_func.__module__)
        options = {k: v for k, v in loop.targetoptions.items() if k in ("fastmath", "inline")}
        options["cache"] = cache
        decorator = f"@njit({', '.join(f'{k}={v!r}' for k, v in sorted(options.items()))})"
        self.functions.append(decorator + "\n" + ast.unparse(function) + "\n")
        return name

    def text(self, root):
        lines = ["from numba import njit"]
        for alias, (module, name) in sorted(self.imports.items()):
            lines.append(f"from {module} import {name} as {alias}")
        body = "\n\n".join(reversed(self.functions))
        return "\n".join(lines) + "\n\n\n" + body + f"\n\ncall = {root}\n"


class _Substitute(ast.NodeTransformer):
    """Kernel parameters -> their global aliases; calls passing kernels -> specialised copies."""

    def __init__(self, generator, bindings, aliases, module_globals):
        self.generator = generator
        self.bindings = bindings
        self.aliases = aliases
        self.module_globals = module_globals

    def _kernel_of(self, node):
        """The dispatcher an argument expression stands for, if it is a bound kernel."""
        if isinstance(node, ast.Name) and node.id in self.bindings:
            return self.bindings[node.id]
        return None

    def visit_Call(self, node):
        callee = None
        if isinstance(node.func, ast.Name):
            if node.func.id in self.bindings:
                callee = self.bindings[node.func.id]
            else:
                callee = self.module_globals.get(node.func.id)
        passed = [self._kernel_of(a) for a in node.args]
        if any(
            isinstance(k.value, ast.Name) and k.value.id in self.bindings for k in node.keywords
        ):
            raise _Unsupported("a kernel passed by keyword")
        if any(k is not None for k in passed):
            if not isinstance(callee, Dispatcher):
                raise _Unsupported("a kernel passed to something other than a jitted loop")
            parameters = list(inspect.signature(callee.py_func).parameters)
            inner = {parameters[i]: k for i, k in enumerate(passed) if k is not None}
            name = self.generator.specialize(callee, inner, cache=False)
            node.func = ast.Name(id=name, ctx=ast.Load())
            node.args = [a for a, k in zip(node.args, passed, strict=True) if k is None]
        self.generic_visit(node)
        return node

    def visit_Name(self, node):
        if node.id in self.aliases and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Name(id=self.aliases[node.id], ctx=ast.Load()), node)
        return node


def _write_if_changed(path, text):
    """Write ``text`` atomically unless ``path`` already holds it (keeps numba's index valid)."""
    try:
        if path.read_text() == text:
            return
    except OSError:
        pass
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp", suffix=".py")
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _prune(folder, stem):
    """Remove the files generated for the same loop and kernels from other lpreg sources."""
    for pattern in (f"{stem}_*.py", f"__pycache__/{stem}_*"):
        for stale in folder.glob(pattern):
            try:
                stale.unlink()
            except OSError:
                pass


def specialize(loop, kernel_positions, kernels, n_args):
    """The disk-cached jitted function calling ``loop`` with ``kernels`` bound as globals.

    Parameters
    ----------
    loop : numba Dispatcher
        A module-level jitted function.
    kernel_positions : tuple of int
        The positions of the kernel arguments among ``loop``'s ``n_args`` arguments.
    kernels : tuple of numba Dispatcher
        The module-level jitted functions passed at those positions.
    n_args : int

    Returns
    -------
    numba Dispatcher or None
        A function of the other ``n_args - len(kernels)`` arguments, in their order; None when
        the loop cannot be specialised (the caller then uses numba's own compilation).
    """
    key = (loop, kernel_positions, kernels, n_args)
    if key in _BUILT:
        return _BUILT[key]
    with _LOCK:
        if key not in _BUILT:
            try:
                _BUILT[key] = _build(loop, kernel_positions, kernels, n_args)
            except (_Unsupported, OSError, SyntaxError, ImportError, ValueError) as exc:
                logger.debug("lpreg kernel cache: %s not specialised (%s)", loop, exc)
                _BUILT[key] = None
    return _BUILT[key]


def _build(loop, kernel_positions, kernels, n_args):
    folder = cache_folder()
    if folder is None:
        return None
    parameters = list(inspect.signature(loop.py_func).parameters)
    if len(parameters) != n_args:
        raise _Unsupported("argument count")
    generator = _Generator()
    bindings = {parameters[i]: k for i, k in zip(kernel_positions, kernels, strict=True)}
    root = generator.specialize(loop, bindings, cache=True)
    body = generator.text(root)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    stem = f"_lpreg_kernel_{loop.py_func.__name__.strip('_')}_{digest}"
    module_name = f"{stem}_{_source_hash()}"
    path = folder / f"{module_name}.py"
    if not path.exists():
        _prune(folder, stem)
    header = "# generated by lpreg._kernel_cache (a loop with its kernels as globals)\n"
    _write_if_changed(path, header + body)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(module_name, None)
        raise
    return module.call
