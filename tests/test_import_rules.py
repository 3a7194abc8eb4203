"""Who may import whom (docs/platform-team/architecture.md), checked on the source files themselves.

core imports nothing of ours; ingestion/<source> imports core and its own package, never another source or a sandbox;
sandbox/<source> imports its own package, the shared sandbox plumbing (sandbox.kit) and core's generic helpers at
most, never ingestion or data_platform, and never reads our contracts: a stand-in plays the vendor from its own copy
of the vendor's schema, so a contract drifting from the vendor is noticed. The one shared world
(sandbox.housing_world) is open to exactly the stand-ins that play it. data_platform, at the top, may import
everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OURS = ("core", "ingestion", "sandbox", "data_platform")
# The contract loader and the registry (which points at the contracts): what a sandbox must never read.
CONTRACT_MODULES = ("core.contract", "core.registry")
# Shared by every sandbox: generic plumbing. A shared world: the sandboxes that play it.
SANDBOX_SHARED = {
    ("sandbox", "kit"): None,
    ("sandbox", "housing_world"): {"repairs", "housing_management", "gazetteer"},
}


def first_party_imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for every import of one of our packages, including function-local ones."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in OURS]
    return found


def allowed(importer: tuple[str, ...], module: str) -> bool:
    """Whether a file in package path `importer` (e.g. ('ingestion', 'tascomi')) may import `module`."""
    target = tuple(module.split("."))
    top = importer[0]
    if top == "data_platform":
        return True
    if top == "core":
        return target[0] == "core"
    own = importer[:2]
    if target[: len(own)] == own:
        return True
    if top == "sandbox":
        if any(module == m or module.startswith(m + ".") for m in CONTRACT_MODULES):
            return False
        shared = SANDBOX_SHARED.get(target[:2], set())
        if shared is None or importer[1:2] and importer[1] in shared:
            return True
    return target[0] == "core"  # ingestion and sandbox packages may use the core


def contract_paths(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string (docstrings aside) naming our contracts or registry: a sandbox reading them."""
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) and id(node) not in docstrings else None
        if not isinstance(text, str):
            continue
        if "registry.yml" in text or ("contract" in text and ("ingestion" in text or ".yml" in text)):
            found.append((node.lineno, text))
    return found


def violations(root: Path) -> list[str]:
    problems = []
    for top in OURS:
        for path in sorted((root / top).rglob("*.py")):
            package = path.relative_to(root).with_suffix("").parts
            importer = package[:2] if top in ("ingestion", "sandbox") else package[:1]
            for line, module in first_party_imports(path):
                if not allowed(importer, module):
                    problems.append(f"{path.relative_to(root)}:{line} imports {module}")
            if top == "sandbox":
                for line, text in contract_paths(path):
                    problems.append(f"{path.relative_to(root)}:{line} reads our contracts ({text!r})")
    return problems


def test_no_import_runs_back_up_or_across():
    assert violations(REPO) == []


def test_the_check_catches_each_kind_of_violation(tmp_path):
    files = {
        "core/lake.py": "from ingestion.tascomi import ingest\n",
        "ingestion/tascomi/pipeline.py": "import sandbox.tascomi.world\nfrom core.lake import x\n",
        "ingestion/repairs/pipeline.py": "def f():\n    from ingestion.tascomi.client import TascomiClient\n",
        "sandbox/tascomi/world.py": "from data_platform.jobs import demo\nfrom sandbox.tascomi import text\n",
        "sandbox/academy/world.py": "from sandbox.tascomi.world import TascomiWorld\nimport sandbox.kit.http\n",
        "sandbox/academy/schema.py": "from core.contract import load_contract\nfrom core.lake import x\n",
        "sandbox/academy/truth.py": "from sandbox.housing_world.world import HousingRepairsWorld\n",
        "sandbox/gazetteer/demo.py": "from sandbox.housing_world.landing import Landing\n",
        "sandbox/tascomi/schema.py": 'import yaml\nPATH = "ingestion/tascomi/contract/applications.yml"\n',
        "data_platform/cli.py": "from ingestion.tascomi import ingest\nimport sandbox.tascomi\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert violations(tmp_path) == [
        "core/lake.py:1 imports ingestion.tascomi",
        "ingestion/repairs/pipeline.py:2 imports ingestion.tascomi.client",
        "ingestion/tascomi/pipeline.py:1 imports sandbox.tascomi.world",
        "sandbox/academy/schema.py:1 imports core.contract",
        "sandbox/academy/truth.py:1 imports sandbox.housing_world.world",
        "sandbox/academy/world.py:1 imports sandbox.tascomi.world",
        "sandbox/tascomi/schema.py:2 reads our contracts ('ingestion/tascomi/contract/applications.yml')",
        "sandbox/tascomi/world.py:1 imports data_platform.jobs",
    ]
