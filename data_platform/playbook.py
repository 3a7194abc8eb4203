"""The Playbook (docs/) as a site: mkdocs-material with the project's mkdocs.yml, strict, built beside the catalogue.

The built Playbook lives in <home>/docs/playbook/, so the catalogue (<home>/docs/index.html) links it as
`playbook/index.html` both on disk and on the published site (CI publishes <home>/docs as it is).
"""

from __future__ import annotations

import os
from pathlib import Path

from core.errors import PlatformError
from core.workspace import Workspace

# mkdocs-material 9.7+ prints a banner about a future MkDocs 2.0 on every build: noise in our output and logs.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class PlaybookBroken(PlatformError):
    """The Playbook does not build in strict mode (a broken link or anchor, a missing page)."""


def config_file(workspace: Workspace) -> Path:
    return workspace.project_dir / "mkdocs.yml"


def site_dir(workspace: Workspace) -> Path:
    return workspace.docs_dir / "playbook"


def build(workspace: Workspace, destination: Path | None = None, docs_dir: Path | None = None) -> Path:
    """Build the site in strict mode and return its front page; `docs_dir` builds another copy of the pages (tests)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    destination = destination or site_dir(workspace)
    overrides = {"site_dir": str(destination), "strict": True}
    if docs_dir is not None:
        overrides["docs_dir"] = str(docs_dir)
    try:
        config = load_config(str(config_file(workspace)), **overrides)
        mkdocs_build(config)
    except (Abort, MkDocsException) as error:
        raise PlaybookBroken(f"the Playbook does not build: {error} (warnings above name the page and link)") from error
    return destination / "index.html"


def serve(workspace: Workspace, address: str = "127.0.0.1:8000") -> None:
    """Serve the Playbook with live reload while you edit docs/ (Ctrl-C stops it)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    print(f"Playbook: http://{address}/  (Ctrl-C to stop)")
    mkdocs_serve(config_file=str(config_file(workspace)), dev_addr=address, strict=True)
