"""The Playbook as a site: docs/ builds with mkdocs-material in strict mode, and every link in the built site works."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workspace import PROJECT_DIR, Workspace
from data_platform import playbook
from data_platform.playbook_hooks import rewrite_links

DOCS = PROJECT_DIR / "docs"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name):
                self.hrefs.append(values[name])


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def broken_links(site: Path) -> list[str]:
    """Every relative href/src of every built page must name a built file, and its #anchor an id in that file."""
    # 404.html is served by the web server for any missing path, so mkdocs writes it with root-absolute links.
    pages = {page: _parse(page) for page in site.rglob("*.html") if page.name != "404.html"}
    broken = []
    for page, links in pages.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = (pages.get(target) or _parse(target)).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    return broken


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from data_platform.cli import main

    home = tmp_path_factory.mktemp("home")
    assert main_with_home(main, home, ["playbook", "--build"]) == 0
    return Workspace.at(home).docs_dir / "playbook"


def main_with_home(main, home: Path, argv: list[str]) -> int:
    import os

    previous = os.environ.get("DATA_PLATFORM_HOME")
    os.environ["DATA_PLATFORM_HOME"] = str(home)
    try:
        return main(argv)
    finally:
        if previous is None:
            del os.environ["DATA_PLATFORM_HOME"]
        else:
            os.environ["DATA_PLATFORM_HOME"] = previous


def test_every_page_is_built_and_every_link_works(site):
    for page in DOCS.rglob("*.md"):
        built = site / page.relative_to(DOCS).with_suffix(".html")
        assert built.exists(), f"{page} was not built"
    assert (site / "search" / "search_index.json").exists(), "the site should be searchable"
    assert not broken_links(site), "\n".join(broken_links(site))


def test_the_link_checker_finds_a_broken_link_and_anchor(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "index.html"
    page.write_text(
        page.read_text() + '<a href="analysts/no-such-page.html">x</a><a href="benchmarks.html#no-such-anchor">y</a>'
    )
    assert sorted(broken_links(copy)) == [
        "index.html: analysts/no-such-page.html (no such file)",
        "index.html: benchmarks.html#no-such-anchor (no such anchor)",
    ]


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("[gone](analysts/no-such-page.md)", "a page that does not exist"),
        ("[gone](benchmarks.md#no-such-heading)", "an anchor that does not exist"),
        ("[gone](../no-such-file.md)", "a repository file that does not exist"),
    ],
)
def test_a_broken_link_fails_the_strict_build(tmp_path, link, why):
    pages = tmp_path / "docs"
    shutil.copytree(DOCS, pages)
    (pages / "index.md").write_text((pages / "index.md").read_text() + f"\nSee {link}.\n")
    with pytest.raises(playbook.PlaybookBroken):
        playbook.build(Workspace.at(tmp_path / "home"), tmp_path / "site", docs_dir=pages)


_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12)


@given(text=_names, anchor=st.none() | _names)
def test_links_out_of_docs_point_at_the_repository_or_become_paths(text, anchor):
    """Any link leaving docs/ to an existing repository file goes to that file in the repository, keeping its
    anchor; links inside docs/ are left for mkdocs."""
    suffix = f"#{anchor}" if anchor else ""
    markdown = f"[{text}](../../snapshots/README.md{suffix}) and [{text}](planning.md)"
    repo = "https://example.org/council/platform"
    linked = rewrite_links(markdown, "analysts/x.md", DOCS, PROJECT_DIR, repo)
    assert linked == f"[{text}]({repo}/blob/main/snapshots/README.md{suffix}) and [{text}](planning.md)"
    plain = rewrite_links(markdown, "analysts/x.md", DOCS, PROJECT_DIR, None)
    assert plain == f"{text} (`snapshots/README.md` in the repository) and [{text}](planning.md)"
