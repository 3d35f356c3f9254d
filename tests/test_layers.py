"""The layer rule: data flows one way, so no module imports from a layer above its own.

Imports inside functions count too: a lazy import is still a dependency. Within one layer any
import is allowed; a package's modules are in its layer unless a longer prefix says otherwise.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS: list[tuple[str, ...]] = [
    ("pipeline", "pipeline.model", "pipeline.errors", "pipeline.ids", "pipeline.schema"),
    ("pipeline.textutil",),
    ("pipeline.store", "pipeline.registry", "pipeline.schedule", "pipeline.warc", "pipeline.net"),
    ("pipeline.capture", "pipeline.sources"),
    ("pipeline.extract",),
    ("pipeline.clean",),
    ("pipeline.segment",),
    ("pipeline.rows",),
    ("pipeline.archive",),
    ("pipeline.build", "pipeline.reprocess", "pipeline.audit", "pipeline.diff", "pipeline.render",
     "pipeline.releases", "pipeline.export", "pipeline.query", "pipeline.lineage",
     "pipeline.selection", "pipeline.croissant", "pipeline.rebuild", "pipeline.browse"),
    ("flows",),
    ("pipeline.cli",),
]


def layer_of(module: str) -> int:
    best, best_len = -1, -1
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = level, len(prefix)
    assert best >= 0, f"{module} is in no layer: add it to LAYERS"
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("pipeline", "flows")}


def own_modules() -> set[str]:
    return {module_name(p) for top in ("pipeline", "flows") for p in (ROOT / top).rglob("*.py")}


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    known = own_modules()
    upward = []
    for top in ("pipeline", "flows"):
        for path in sorted((ROOT / top).rglob("*.py")):
            here = module_name(path)
            for target in imported_modules(path):
                if target not in known:  # `from pkg import name` also lists pkg.name
                    continue
                if layer_of(target) > layer_of(here):
                    upward.append(f"{here} (layer {layer_of(here)}) imports {target} "
                                  f"(layer {layer_of(target)})")
    assert not upward, "\n".join(upward)


def test_the_library_never_imports_prefect() -> None:
    offenders = [module_name(p) for p in (ROOT / "pipeline").rglob("*.py")
                 if module_name(p) != "pipeline.cli"
                 and any(n == "prefect" or n.startswith("prefect.") for n in _all_imports(p))]
    assert not offenders, offenders


def _all_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_layer_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a model module that imported the archive would be reported."""
    assert layer_of("pipeline.model") < layer_of("pipeline.archive")
    assert layer_of("pipeline.extract.pdf.lines") == layer_of("pipeline.extract")
    assert layer_of("pipeline.textutil.encoding") < layer_of("pipeline.extract.source")
