"""The generated YAML carries each description as text: a doc block it cites is written out (dbt would compile a
Jinja template per reference on every whole parse), and the text is the block's, as the catalogue would show it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_platform import generate
from tests.conftest import REPO

REFERENCE = '{{ doc("%s") }}'


def test_a_cited_block_is_written_out_and_a_template_block_stays_a_reference():
    docs = generate.doc_blocks(
        REPO, ["{% docs plain %}\nA plain text.\n{% enddocs %}", "{% docs templated %}See {{ x }}.{% enddocs %}"]
    )
    cited = [{"name": "a", "description": REFERENCE % "plain"}, {"description": REFERENCE % "templated"}]
    document = {"columns": cited}
    assert generate.inline_docs(document, docs) == {
        "columns": [{"name": "a", "description": "A plain text."}, {"description": REFERENCE % "templated"}]
    }
    assert generate.inline_docs("Text that names doc() in passing.", docs) == "Text that names doc() in passing."
    with pytest.raises(ValueError, match="no doc block named 'missing'"):
        generate.inline_docs({"description": REFERENCE % "missing"}, docs)


def test_generated_yaml_cites_no_doc_block_and_says_what_the_block_says():
    docs = generate.doc_blocks(REPO)
    files = {path: text for path, text in generate.rendered(REPO).items() if path.suffix == ".yml"}
    assert files and not [path for path, text in files.items() if "doc(" in text]
    staging = yaml.safe_load(files[Path("models/staging/tascomi/generated/_tascomi__models.yml")])
    columns = {column["name"]: column for column in staging["models"][0]["columns"]}
    assert columns["_cast_failures"]["description"] == docs["col_cast_failures"]  # a block of models/docs.md
    assert "{%" not in docs["col_cast_failures"] and len(docs["col_cast_failures"]) > 20
