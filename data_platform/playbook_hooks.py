"""mkdocs hook for the Playbook site (mkdocs.yml `hooks:`): links from a page to repository files outside docs/.

On GitHub such a link (`../../snapshots/README.md`) opens the file; in the site it would point nowhere, and mkdocs
cannot check it. Here each one must name a file that exists in the repository (else the build fails, naming the
page and the link), and becomes a link to that file in the repository (PLAYBOOK_REPO_URL, set by CI) or, without a
repository URL, its path in code type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

# [text](target) and [text](target#anchor), not images; targets without a scheme are relative paths.
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?\)")


def outside_docs_target(target: str, page_path: str, docs_dir: Path, repo_root: Path) -> Path | None:
    """The repository file a relative link from `page_path` (relative to docs/) names, if it leaves docs/."""
    if "://" in target or target.startswith(("mailto:", "/")):
        return None
    resolved = (docs_dir / page_path).parent.joinpath(target).resolve()
    if resolved.is_relative_to(docs_dir.resolve()):
        return None
    if not resolved.is_relative_to(repo_root.resolve()):
        raise PluginError(f"{page_path}: link {target} leaves the repository")
    return resolved


def rewrite_links(markdown: str, page_path: str, docs_dir: Path, repo_root: Path, repo_url: str | None) -> str:
    def replace(match: re.Match[str]) -> str:
        path = outside_docs_target(match["target"], page_path, docs_dir, repo_root)
        if path is None:
            return match[0]
        if not path.exists():
            raise PluginError(f"{page_path}: link {match['target']} names {path} which does not exist")
        relative = path.relative_to(repo_root.resolve()).as_posix()
        if repo_url:
            kind = "tree" if path.is_dir() else "blob"
            return f"[{match['text']}]({repo_url.rstrip('/')}/{kind}/main/{relative}{match['anchor'] or ''})"
        return f"{match['text']} (`{relative}` in the repository)"

    return LINK.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:  # noqa: ANN401 - mkdocs' objects
    docs_dir = Path(config["docs_dir"])
    repo_root = Path(config["config_file_path"]).parent
    return rewrite_links(markdown, page.file.src_uri, docs_dir, repo_root, config.get("repo_url"))
