"""Docs name only what exists: every dbt var, macro, function, environment variable and repository path that the
README or a Playbook page names in code formatting is checked against the repository itself, and no page carries a
path of someone's machine."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TOP = ("core", "ingestion", "sandbox", "data_platform", "models", "macros", "seeds", "snapshots", "analyses", "tests",
       "benchmarks", "deploy", "docs", ".github", ".dlt", ".ci")  # fmt: skip
CODE = ("*.py", "*.sql", "*.yml", "*.yaml", "*.sh", "*.toml", "Makefile", "*.mk", "Dockerfile")


def pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def spans(text: str) -> list[str]:
    """Inline code spans and the lines of fenced blocks."""
    found = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    for block in re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.S):
        found += block.splitlines()
    return found


@cache
def project_vars() -> set[str]:
    return set(yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"])


@cache
def code_text() -> str:
    skip = {".venv", "local", "target", "docs", "node_modules", "dbt_packages"}
    texts = []
    for pattern in CODE:
        for path in REPO.rglob(pattern):
            if not skip & set(path.relative_to(REPO).parts):
                texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


@cache
def macros() -> set[str]:
    return set(re.findall(r"\{%-?\s*(?:macro|test)\s+(\w+)", code_text()))


def named_vars(text: str) -> set[str]:
    return set(re.findall(r"\bvars? `(\w+)`", text)) | set(re.findall(r"var\(['\"](\w+)['\"]", text))


def named_macros(text: str) -> set[str]:
    return set(re.findall(r"\bmacros? `(\w+)`", text)) | set(re.findall(r"`(\w+)` macro", text))


def named_functions(text: str) -> set[str]:
    return set(re.findall(r"`(\w+)\(\)`", text))


def named_paths(text: str) -> set[str]:
    paths = set()
    for span in spans(text):
        for token in re.findall(r"[\w./-]+", span):
            token = token.rstrip(".:,")
            if token.endswith(("_", "-")):  # a name cut at a placeholder, e.g. stg_repairs__<contractor>
                continue
            if "/" in token and token.split("/")[0] in TOP and not re.search(r"[<>{}*…]|\.\.\.", token):
                paths.add(token)
    return paths


def problems() -> list[str]:
    found = []
    for page in pages():
        text = page.read_text()
        where = page.relative_to(REPO)
        found += [f"{where}: var {v} is not in dbt_project.yml" for v in sorted(named_vars(text) - project_vars())]
        found += [f"{where}: macro {m} is not defined" for m in sorted(named_macros(text) - macros())]
        for function in sorted(named_functions(text)):
            if function not in macros() and not re.search(rf"def {function}\b", code_text()):
                found.append(f"{where}: {function}() is neither a macro nor a function")
        for path in sorted(named_paths(text)):
            # a git-ignored file (.dlt/secrets.toml) is named by the example committed beside it
            if not any((REPO / candidate).exists() for candidate in (path, path.split("#")[0], f"{path}.example")):
                found.append(f"{where}: path {path} does not exist")
        for machine in sorted(set(re.findall(r"(?<![\w.])/(?:work|home|root|Users)/[\w./-]+", text))):
            found.append(f"{where}: {machine} is a path on someone's machine")
        for variable in sorted(set(re.findall(r"\bDATA_PLATFORM_[A-Z_]+[A-Z]\b", text))):
            if variable not in code_text():
                found.append(f"{where}: environment variable {variable} is read nowhere")
    return found


def test_every_name_a_doc_gives_exists():
    assert problems() == []


def test_the_check_notices_a_stale_name(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Set var `no_such_var`, run the `no_such_macro` macro, see `models/no/such.sql` and "
                    "`DATA_PLATFORM_NO_SUCH`; `lake_root` var is fine, as is `core/lake.py`.")  # fmt: skip
    text = page.read_text()
    assert named_vars(text) - project_vars() == {"no_such_var"}
    assert named_macros(text) - macros() == {"no_such_macro"}
    assert {p for p in named_paths(text) if not (REPO / p).exists()} == {"models/no/such.sql"}
    assert "DATA_PLATFORM_NO_SUCH" not in code_text()
    stale = tmp_path / "stale.md"
    stale.write_text("Run `read_parquet('/work/main/local/lake/x.parquet')`.")
    assert re.findall(r"(?<![\w.])/(?:work|home|root|Users)/[\w./-]+", stale.read_text())
