"""What `pip install -e .` installs is what the package imports: a module that only a test or an extra
brings along (click came with dask and kgx after typer stopped depending on it) works in the test
environment and fails on a user's machine."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: list[str]) -> set[str]:
    return {_normalized(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


def _normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level module, imported when the module is) of every absolute import of one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    at_import = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], id(node) in at_import) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], id(node) in at_import))
    return found


def test_every_module_the_package_imports_comes_with_its_declared_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = _names(project["dependencies"])
    extras = core | {n for group in project["optional-dependencies"].values() for n in _names(group)}
    providers = packages_distributions()
    wrong = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        for module, at_import in _imports(path):
            if module == "kg" or module in sys.stdlib_module_names:
                continue
            distributions = {_normalized(d) for d in providers.get(module, [])}
            allowed = core if at_import else extras  # an extra's module is imported where it is needed
            if not distributions & allowed:
                wrong.append(f"{path.relative_to(ROOT)}: {module} ({', '.join(sorted(distributions)) or 'not installed'})")
    assert not wrong, "imported but not a declared dependency: " + "; ".join(wrong)


def test_ci_runs_the_two_commands_the_readme_starts_with_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first, tests = re.findall(r"```bash\n(.+?)\n```", readme, re.DOTALL)[:2]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert first in ci and tests in ci
    assert ci.index(first) < ci.index(tests), "the first command must run before the test extras are installed"
