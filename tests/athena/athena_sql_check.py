"""Syntax check for SQL bound for Athena (Trino engine v3; Hive DDL), stricter than a lenient sqlglot parse.

sqlglot parses with read="athena" (falling back to "trino"; DDL to "hive") but accepts DuckDB-only syntax, so on top
of parsing this flags: `::` casts, QUALIFY, `* EXCLUDE` / `* REPLACE`, list and struct literals, and any function
call whose name is not on an explicit allow-list of Trino / Athena functions (DuckDB's isodow, strftime, epoch,
list_*, read_parquet, try_strptime ... are not on it, nor are sqlglot's renamings of them); in DDL, column types
Hive's DDL refuses (timestamp(6), a bare varchar).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

# Trino / Athena engine v3 functions a model may call. Add to it only after checking the Trino docs.
TRINO_FUNCTIONS = frozenset(
    """
    abs any_value approx_distinct approx_percentile array_agg array_distinct array_join arbitrary at_timezone avg
    bool_and bool_or cardinality cast ceil ceiling char_length coalesce concat concat_ws contains count count_if
    cume_dist
    current_date current_timestamp date date_add date_diff date_format date_parse date_trunc day day_of_month
    day_of_week day_of_year dense_rank element_at every extract first_value floor format format_datetime
    from_iso8601_date from_iso8601_timestamp from_unixtime greatest hour if is_nan json_extract json_extract_scalar
    json_format json_parse lag last_day_of_month last_value lead least length like listagg ln log10 log2 lower
    levenshtein_distance
    lpad ltrim map max max_by md5 min min_by minute mod month now nth_value ntile nullif parse_datetime percent_rank
    position pow power quarter rand random rank regexp_extract regexp_extract_all regexp_like regexp_replace
    regexp_split replace reverse round row_number rpad rtrim second sequence sha256 sign split split_part sqrt
    starts_with stddev stddev_pop stddev_samp strpos substr substring sum to_base64 to_hex to_iso8601
    to_milliseconds to_unixtime to_utf8 trim truncate try try_cast typeof unnest upper uuid var_pop var_samp
    variance week week_of_year with_timezone year year_of_week zip
    """.split()  # noqa: SIM905 (a word list reads better than 150 quoted strings)
)

_BEFORE_BRACKET = {TokenType.ARRAY, TokenType.VAR, TokenType.IDENTIFIER, TokenType.R_PAREN, TokenType.R_BRACKET}

# Tokens after which `(` is not a function call.
_NOT_CALL = {
    TokenType.ALIAS,
    TokenType.IN,
    TokenType.OVER,
    TokenType.EXISTS,
    TokenType.L_PAREN,
    TokenType.COMMA,
}


def _parse(sql: str, ddl: bool) -> list[exp.Expression]:
    dialects = ("athena", "hive") if ddl else ("athena", "trino")
    errors = []
    for dialect in dialects:
        try:
            return [tree for tree in sqlglot.parse(sql, read=dialect) if tree is not None]
        except sqlglot.errors.ParseError as error:
            errors.append(f"{dialect}: {error}")
    raise AssertionError("does not parse as Athena SQL: " + " | ".join(errors))


def athena_problems(sql: str, ddl: bool = False) -> list[str]:
    """Everything wrong with one statement for Athena; [] when it passes."""
    try:
        trees = _parse(sql, ddl)
    except AssertionError as error:
        return [str(error)]
    problems = []
    if len(trees) != 1:
        problems.append(f"expected one statement (Athena runs one per query), found {len(trees)}")
    tokens = sqlglot.Dialect.get_or_raise("athena").tokenize(sql)
    previous = None
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.DCOLON:
            problems.append("`::` cast (DuckDB/Postgres only): use cast(x as type)")
        if token.token_type == TokenType.L_BRACE:
            problems.append("struct/map literal `{...}` (DuckDB only)")
        # `[` is fine after ARRAY (array literal) or after a value (subscript); anything else is a DuckDB list.
        if token.token_type == TokenType.L_BRACKET and (previous is None or previous.token_type not in _BEFORE_BRACKET):
            problems.append("list literal `[...]` (DuckDB only): use ARRAY[...]")
        is_call = (
            not ddl
            and token.token_type == TokenType.VAR
            and index + 1 < len(tokens)
            and tokens[index + 1].token_type == TokenType.L_PAREN
            and (previous is None or previous.token_type not in _NOT_CALL)
        )
        if is_call and token.text.lower() not in TRINO_FUNCTIONS:
            problems.append(f"function {token.text}() is not a known Trino/Athena function")
        previous = token
    for tree in trees:
        if tree.find(exp.Qualify):
            problems.append("QUALIFY (not in Athena): filter a row_number() in an outer query")
        for star in tree.find_all(exp.Star):
            if star.args.get("except") or star.args.get("except_") or star.args.get("replace"):
                problems.append("select * EXCLUDE / REPLACE (DuckDB only): list the columns")
        for node in tree.find_all(exp.Anonymous):
            if node.name.lower() not in TRINO_FUNCTIONS:
                problems.append(f"function {node.name}() is not a known Trino/Athena function")
        if tree.find(exp.ReadParquet):
            problems.append("read_parquet() (DuckDB only)")
        if ddl:
            problems.extend(_ddl_type_problems(tree))
    return sorted(set(problems))


def _ddl_type_problems(tree: exp.Expression) -> list[str]:
    """Column types of a CREATE / ALTER ... ADD COLUMNS that Athena's Hive DDL refuses, though sqlglot's hive dialect
    parses them: a precision on timestamp (Trino's timestamp(6) is for queries), a varchar without a length (an
    Iceberg table takes string)."""
    problems = []
    for column in tree.find_all(exp.ColumnDef):
        kind = column.args.get("kind")
        if not isinstance(kind, exp.DataType):
            continue
        if kind.this == exp.DataType.Type.TIMESTAMP and kind.expressions:
            problems.append(f"column {column.name}: timestamp(p) in DDL (Hive DDL takes a plain timestamp)")
        if kind.this == exp.DataType.Type.VARCHAR and not kind.expressions:
            problems.append(f"column {column.name}: varchar without a length in DDL (use string)")
    return problems
