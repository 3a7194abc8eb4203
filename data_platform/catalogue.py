"""The catalogue (dbt docs, one page) with what stock dbt docs leaves out, added to the manifest the page embeds:

- each column's classification (its column tag in the YAML) first in its description, so the column list shows it;
  each model tagged with the classes its columns hold (`personal`, `special_category`): dbt docs' search and tag
  filter index model tags only, and this roll-up is derived from the column tags, never written by hand;
- each model's owner (its department's dbt group) and the last build's test results for it;
- each source table's last import and the freshness verdict (`dbt source freshness` runs before docs generate);
- a front page that lists the trusted tables and links the Playbook (built beside it, playbook/index.html);
- on each trusted model, its column lineage back to the raw zone (data_platform/lineage.py), and on the front page
  the models whose lineage could not be read.

The YAML stays the single source: nothing here is written back to it.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path

from core.workspace import Workspace
from data_platform.built_sources import BuiltSources
from data_platform.check import CLASSES, classification, owner
from data_platform.lineage import ColumnLineage, Origin
from data_platform.lineage import extract as extract_lineage

BUILD_RESULTS = "last_build_results.json"
OVERVIEW = "__overview__"
SENSITIVE = ("personal", "special_category")
# Column lineage on a model page: raw columns listed per table and paths per column before the rest is counted.
SHOWN_COLUMNS = 6
SHOWN_PATHS = 3


def keep_build_results(target_dir: Path) -> dict | None:
    """dbt overwrites run_results.json with every command: keep the last build's before docs runs its own.
    A build of a selection (the nightly's `source:<name>+`, an analyst's `build --select`) ran only part of the
    project: its results replace those of the nodes it ran and the earlier results of the rest are kept, so every
    model's page still shows its latest tests. Each kept result says when its build ran (`built_at`)."""
    results, kept = target_dir / "run_results.json", target_dir / BUILD_RESULTS
    latest = json.loads(results.read_text()) if results.exists() else None
    if latest and latest["args"].get("which") == "build":
        built_at = latest["metadata"]["generated_at"]
        for result in latest["results"]:
            result.setdefault("built_at", built_at)
        if latest["args"].get("select") and kept.exists():
            ran = {result["unique_id"] for result in latest["results"]}
            earlier = [r for r in json.loads(kept.read_text())["results"] if r["unique_id"] not in ran]
            latest["results"] = earlier + latest["results"]
        kept.write_text(json.dumps(latest))
    return json.loads(kept.read_text()) if kept.exists() else None


def test_results(manifest: dict, build: dict | None) -> tuple[dict[str, Counter], dict[str, str]]:
    """Per model / seed / source: how many of its tests ended in each status in the latest build that ran them, and
    when that build ran (UTC, to the minute)."""
    counts: dict[str, Counter] = {}
    tested_at: dict[str, str] = {}
    for result in (build or {}).get("results", []):
        test = manifest["nodes"].get(result["unique_id"])
        if not test or test["resource_type"] != "test":
            continue
        when = result.get("built_at", build["metadata"]["generated_at"])[:16].replace("T", " ")
        for tested in test["depends_on"]["nodes"]:
            counts.setdefault(tested, Counter())[str(result["status"])] += 1
            tested_at[tested] = max(tested_at.get(tested, ""), when)
    return counts, tested_at


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def _project_nodes(manifest: dict) -> list[dict]:
    project = manifest["metadata"].get("project_name")
    return [n for n in manifest["nodes"].values() if n["package_name"] == project]


def _trusted(manifest: dict) -> list[dict]:
    return sorted(
        (n for n in _project_nodes(manifest) if n["resource_type"] == "model" and n["fqn"][1:2] == ["marts"]),
        key=lambda n: (n["schema"], n["name"]),
    )


def _raw_columns(origins: list[Origin]) -> list[str]:
    """`source.table.column`, several columns of one table together, a long list cut (a row hash reads them all)."""
    by_table: dict[str, list[str]] = {}
    for origin in origins:
        by_table.setdefault(origin.source, []).append(origin.column)
    shown = []
    for table, columns in sorted(by_table.items()):
        more = f" and {len(columns) - SHOWN_COLUMNS} more" if len(columns) > SHOWN_COLUMNS else ""
        listed = ", ".join(columns[:SHOWN_COLUMNS])
        shown.append(f"{table}.{listed}{more}" if len(columns) == 1 else f"{table}.({listed}{more})")
    return shown


def lineage_section(manifest: dict, node: dict, lineage: ColumnLineage) -> str:
    """A trusted model's column lineage as a table: each column, the raw columns it is made of, the models between."""
    unique_id = node["unique_id"]
    lines = [
        "### Column lineage",
        "",
        "Where each column comes from in the raw zone (`<source>.<table>.<column>`; seeds are reference data the "
        "project ships), read from the compiled SQL by dbt-colibri.",
    ]
    unreadable = lineage.upstream_unparsed(unique_id, manifest)
    if unreadable:
        lines += ["", f"**Incomplete:** the lineage of {', '.join(unreadable)} could not be read (listed on the "
                  "front page), so columns through them may show fewer raw columns than they have."]  # fmt: skip
    lines += ["", "| column | raw columns | through |", "|---|---|---|"]
    untraced = lineage.untraced.get(unique_id, {})
    for name in node["columns"]:
        origins = lineage.origins(unique_id, name)
        if name.lower() in untraced:
            raw, through = "could not be traced: " + untraced[name.lower()].replace("|", "/"), ""
        elif not origins:
            raw, through = "none: computed in the model (a count, a constant, the build time)", ""
        else:
            raw = "; ".join(_raw_columns(origins))
            paths = {" → ".join(o.through) for o in origins if o.through}
            through = "; ".join(sorted(paths)[:SHOWN_PATHS]) + (" …" if len(paths) > SHOWN_PATHS else "")
        lines.append(f"| {name} | {raw} | {through} |")
    return "\n".join(lines)


def enrich(manifest: dict, build: dict | None, freshness: dict | None, lineage: ColumnLineage | None = None) -> dict:
    """Add classifications (read from the column tags), owners, test results, freshness, the front page's lists and
    (given `lineage`) each trusted model's column lineage to `manifest` (in place)."""
    results, tested_at = test_results(manifest, build)
    for node in _project_nodes(manifest):
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        classes = set()
        for column in node["columns"].values():
            label = classification(column)
            if label in CLASSES:
                classes.add(label)
                column["description"] = f"{label} · {column['description']}"  # plain: the column list truncates
                # dbt docs shows a column's meta on its details, never its tags: the class from the tag, for display
                column["meta"] = {"classification": label, **(column.get("meta") or {})}
        node["tags"] = sorted({*node["tags"], *(label for label in SENSITIVE if label in classes)})
        lines = []
        contact = owner(manifest, node) if node["resource_type"] == "model" else None
        if contact:
            node["meta"] = {**node.get("meta", {}), "owner": contact}
            lines.append(f"**Owner:** {contact}" + (f" (group `{node['group']}`)" if node.get("group") else ""))
        if node["unique_id"] in results:
            tally = ", ".join(f"{n} {status}" for status, n in sorted(results[node["unique_id"]].items()))
            lines.append(f"**Tests in the last build** ({tested_at[node['unique_id']]} UTC): {tally}")
        if lines:
            node["description"] = node["description"] + "\n\n" + "  \n".join(lines)
        if lineage and node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]:
            node["description"] += "\n\n" + lineage_section(manifest, node, lineage)
    imports = _last_imports(freshness)
    for source in manifest["sources"].values():
        found = imports.get(source["source_name"])
        if found:
            source["description"] += (
                f"\n\n**Last import of {source['source_name']}:** {found['max_loaded_at'][:16].replace('T', ' ')} UTC; "
                f"freshness **{found['status']}** (checked {found['snapshotted_at'][:16].replace('T', ' ')} UTC)"
            )
    _front_page(manifest, build, results, imports, lineage)
    return manifest


def _last_imports(freshness: dict | None) -> dict[str, dict]:
    """Per source: its import log's freshness result (measured on the import log, not on quiet tables)."""
    found = {}
    for result in (freshness or {}).get("results", []):
        if "max_loaded_at" not in result:  # a runtime error: nothing measured
            continue
        source_name = result["unique_id"].split(".")[2]
        found[source_name] = result
    return found


def _front_page(
    manifest: dict,
    build: dict | None,
    results: dict[str, Counter],
    imports: dict[str, dict],
    lineage: ColumnLineage | None,
) -> None:
    key = f"doc.{manifest['metadata'].get('project_name')}.{OVERVIEW}"
    if key not in manifest["docs"]:
        return
    trusted = _trusted(manifest)
    rows = [
        f"| [{n['schema']}.{n['name']}](#!/model/{n['unique_id']}) | {owner(manifest, n) or ''} | "
        f"{_first_sentence(n['description'].split(chr(10) + chr(10) + '**Owner')[0]).replace('|', '/')} |"
        for n in trusted
    ]
    text = [
        "\n\n## The Playbook\n",
        "How to find, use and change data, step by step: [the Playbook](playbook/index.html) "
        "(start with *Your first model*).\n",
        "\n## Trusted tables\n",
        "| table | owner | what one row is |",
        "|---|---|---|",
        *rows,
    ]
    if build:
        statuses = Counter(str(r["status"]) for r in build["results"])
        when = build["metadata"]["generated_at"][:16].replace("T", " ")
        tally = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        scope = (
            " (a selection; every other node's latest result kept from earlier builds)"
            if build["args"].get("select")
            else ""
        )
        text += ["\n## The last build\n", f"{when} UTC{scope}: {tally}."]
    if imports:
        text += ["\n## Freshness\n", "| source | last import (UTC) | freshness |", "|---|---|---|"]
        for name, found in sorted(imports.items()):
            text.append(f"| {name} | {found['max_loaded_at'][:16].replace('T', ' ')} | {found['status']} |")
    if lineage:
        text += ["\n## Column lineage\n", "Each trusted table's page traces its columns back to the raw zone."]
        unreadable = {**lineage.unparsed, **{m: "; ".join(f"{c}: {why}" for c, why in columns.items())
                                             for m, columns in lineage.untraced.items()}}  # fmt: skip
        if unreadable:
            text += ["Models whose lineage could not be read (their columns' sources may be missing downstream):\n",
                     "| model | why |", "|---|---|"]  # fmt: skip
            for unique_id, why in sorted(unreadable.items()):
                text.append(f"| {lineage.names.get(unique_id, unique_id)} | {why.replace('|', '/')[:300]} |")
        else:
            text.append("Every model's lineage was read.")
    manifest["docs"][key]["block_contents"] += "\n".join(text) + "\n"


def write_static_page(manifest: dict, catalog: dict, page: Path) -> Path:
    """The one self-contained page, as `dbt docs generate --static` writes it, from the enriched manifest."""
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    html = Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8")
    html = html.replace('"MANIFEST.JSON INLINE DATA"', json.dumps(manifest))
    html = html.replace('"CATALOG.JSON INLINE DATA"', json.dumps(catalog))
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    return page


def publish(
    workspace: Workspace,
    target: str | None = None,
    quiet: bool = False,
    sources: BuiltSources | None = None,
    live: str | None = None,
) -> Path:
    """Freshness first, then docs generate, then the enriched one-page catalogue in <home>/docs/index.html.
    sources: the built sources (data_platform/built_sources.py): the others and what reads them are left out of the
    freshness run and the page; live: the live trusted-zone build the front page names."""
    from data_platform import dbt

    target_dir = workspace.dbt_target_dir
    build = keep_build_results(target_dir)
    exclude = ["--exclude", *sources.dbt_exclude()] if sources and sources.left_out else []
    variables = sources.dbt_vars() if sources else None
    (target_dir / "sources.json").unlink(missing_ok=True)
    with contextlib.suppress(dbt.DbtFailed):  # a stale source is what the catalogue must show, not a reason to stop
        dbt.run_dbt(workspace, "source", "freshness", *exclude, target=target, quiet=quiet, extra_vars=variables)
    found = target_dir / "sources.json"
    freshness = json.loads(found.read_text()) if found.exists() else None
    dbt.run_dbt(workspace, "docs", "generate", *exclude, target=target, quiet=quiet, extra_vars=variables)
    manifest = json.loads((target_dir / "manifest.json").read_text())
    catalog = json.loads((target_dir / "catalog.json").read_text())
    if sources:
        dbt.leave_out_sources(manifest, sources)
    enrich(manifest, build, freshness, extract_lineage(manifest, catalog))
    if sources:
        dbt.front_page_note(manifest, sources, live)
    return write_static_page(manifest, catalog, workspace.docs_dir / "index.html")
