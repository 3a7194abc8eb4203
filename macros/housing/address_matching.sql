{#-
    Address matching to the gazetteer in SQL that runs on DuckDB and Athena alike (engine differences live in
    macros/cross_db/text.sql). The steps, applied the same way to the gazetteer and to the addresses to match:

    1. address_clean: upper case; the postcode taken out; apostrophes dropped; number ranges written 1-3 ('1 - 3',
       '1 TO 3'); GFF / 1ST / 2ND / 3RD / FLT spelled out; '12A' split into '12 A'; anything else not a letter, digit or
       range becomes a space.
    2. address tokens, each one of:
         identifier  a number, a number range, a single letter, or a floor (GROUND, FIRST ...): what tells units
                     apart; two addresses can only match when their identifiers are the same set;
         stop        words that say nothing about which address (FLAT, LONDON, the borough, COMMUNAL, BLOCK ...);
         word        everything else, abbreviations spelled out (RD -> ROAD, HSE -> HOUSE ...), on both sides, so a
                     typed 'ST' and the gazetteer's 'ST' (Saint) still agree.
    3. matching (models/intermediate/housing/int_housing__address_matches.sql): candidates with the same identifiers
       sharing the postcode or a word (or, for what that leaves unmatched, a word's first letter); every word typed
       must be found in the candidate (exactly, or with at most two edits for words of five letters or more); the
       score then weighs typing errors, how much of the candidate's own words were typed, and postcode agreement.
       The best score wins; a tie between different addresses is left unmatched (never two UPRNs for one input).
-#}

{% macro address_clean(expression) %}
    {%- set text = 'upper(coalesce(' ~ expression ~ ", ''))" -%}
    {%- set text = regex_replace(text, '[\\x27’`~]', '') -%}
    {%- set text = regex_replace(text, '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}', ' ') -%}
    {%- set text = regex_replace(text, '([0-9]+[A-Z]?) *(-|\\bTO\\b) *([0-9]+[A-Z]?)', '\\1~\\3') -%}
    {%- set text = regex_replace(text, '\\bGFF\\b', 'GROUND FLOOR FLAT') -%}
    {%- set text = regex_replace(text, '\\b1ST\\b', 'FIRST') -%}
    {%- set text = regex_replace(text, '\\b2ND\\b', 'SECOND') -%}
    {%- set text = regex_replace(text, '\\b3RD\\b', 'THIRD') -%}
    {%- set text = regex_replace(text, '\\bFLT\\b', 'FLAT') -%}
    {%- set text = regex_replace(text, '([0-9])([A-Z])', '\\1 \\2') -%}
    {%- set text = regex_replace(text, '([A-Z])([0-9])', '\\1 \\2') -%}
    {%- set text = regex_replace(text, '[^A-Z0-9~]+', ' ') -%}
    {%- set text = "replace(" ~ text ~ ", '~', '-')" -%}
    trim({{ text }})
{%- endmacro %}


{% macro postcode_clean(expression) %}
    {#- A UK postcode written 'OUTWARD INWARD' (upper case, one space), or null when the text is not one. -#}
    {%- set compact = regex_replace('upper(' ~ expression ~ ')', '[^A-Z0-9]', '') -%}
    case
        when {{ full_match(compact, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}') }}
            then {{ dbt.concat([
                'substr(' ~ compact ~ ', 1, length(' ~ compact ~ ') - 3)', "' '",
                'substr(' ~ compact ~ ', length(' ~ compact ~ ') - 2, 3)']) }}
    end
{%- endmacro %}


{% macro postcode_in_text(expression) %}
    {#- The postcode typed inside an address, if any (the borough's cleaners pulled it out by regex). -#}
    {{ postcode_clean(regex_extract('upper(' ~ expression ~ ')', '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}')) }}
{%- endmacro %}


{% macro address_stop_words() %}
    {{ return(['FLAT', 'FLATS', 'FLOOR', 'APARTMENT', 'LONDON', var('borough_name', 'HACKNEY') | upper, 'COMMUNAL',
               'AREA', 'AREAS', 'STAIRS', 'STAIRWELL', 'BLOCK', 'THE', 'OF', 'AND', 'AT', 'NO', 'UK']) }}
{% endmacro %}


{% macro address_floor_words() %}
    {{ return(['GROUND', 'FIRST', 'SECOND', 'THIRD', 'FOURTH', 'FIFTH', 'BASEMENT', 'TOP', 'LOWER', 'UPPER']) }}
{% endmacro %}


{% macro address_abbreviations() %}
    {#- Typed short form -> the word the gazetteer spells out (applied to both sides). -#}
    {{ return({'RD': 'ROAD', 'ST': 'STREET', 'AVE': 'AVENUE', 'AV': 'AVENUE', 'GDNS': 'GARDENS', 'TERR': 'TERRACE',
               'TER': 'TERRACE', 'HSE': 'HOUSE', 'CT': 'COURT', 'PL': 'PLACE', 'CL': 'CLOSE', 'SQ': 'SQUARE',
               'CRES': 'CRESCENT', 'LN': 'LANE', 'EST': 'ESTATE', 'GRN': 'GREEN', 'WLK': 'WALK', 'MANS': 'MANSIONS',
               'TWR': 'TOWER', 'LDG': 'LODGE', 'HTS': 'HEIGHTS'}) }}
{% endmacro %}


{% macro address_common_words() %}
    {#- Words too common to find candidates by (they still have to match). -#}
    {{ return(['ROAD', 'STREET', 'AVENUE', 'GARDENS', 'TERRACE', 'HOUSE', 'COURT', 'PLACE', 'CLOSE', 'SQUARE',
               'CRESCENT', 'LANE', 'ESTATE', 'GROVE', 'WALK', 'HIGH', 'MANSIONS', 'TOWER', 'LODGE', 'POINT']) }}
{% endmacro %}


{% macro address_token_kind(token) %}
    case
        when {{ token }} in ('{{ address_stop_words() | join("', '") }}') then 'stop'
        when {{ full_match(token, '[0-9]+(-[0-9]+)?|[A-Z]') }} then 'identifier'
        when {{ token }} in ('{{ address_floor_words() | join("', '") }}') then 'identifier'
        else 'word'
    end
{%- endmacro %}


{% macro address_token_canonical(token) %}
    case {{ token }}
    {%- for short, full in address_abbreviations().items() %}
        when '{{ short }}' then '{{ full }}'
    {%- endfor %}
        else {{ token }}
    end
{%- endmacro %}


{% macro address_features(relation, id_column, text_expression, postcode_expression, extra_columns=[]) %}
    {#-
        One row per address of `relation`: its id, clean postcode and outward code, identifier signature (sorted
        identifiers joined by spaces, '' when none), number of distinct words, and the cleaned text; extra_columns
        are passed through. Addresses whose text holds no word and no identifier are kept (with 0 words).
    -#}
with addresses as (

    select
        {{ id_column }} as address_id,
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        {{ address_clean(text_expression) }} as address_clean,
        {{ postcode_expression }} as postcode
    from {{ relation }}

),

tokens as (

    select
        addresses.address_id,
        {{ address_token_canonical('split_token') }} as token
    from addresses
    {{ split_to_rows('addresses.address_clean', ' ', 'split_tokens', 'split_token') }}
    where split_token <> ''

),

kinds as (

    select
        address_id,
        token,
        {{ address_token_kind('token') }} as token_kind
    from tokens

),

summary as (

    select
        address_id,
        {{ sorted_string_agg("case when token_kind = 'identifier' then token end", ' ') }} as identifiers,
        count(distinct case when token_kind = 'word' then token end) as word_count
    from kinds
    group by address_id

)

select
    addresses.*,
    case
        when addresses.postcode is not null
            then substr(addresses.postcode, 1, {{ dbt.position("' '", 'addresses.postcode') }} - 1)
    end as outward_code,
    coalesce(summary.identifiers, '') as identifiers,
    coalesce(summary.word_count, 0) as word_count
from addresses
left join summary
    on addresses.address_id = summary.address_id
{%- endmacro %}


{% macro address_words(relation, id_column, text_expression) %}
    {#- One row per distinct (address, word) of `relation`: the words candidates are found by and scored on. -#}
with tokens as (

    select distinct
        {{ id_column }} as address_id,
        {{ address_token_canonical('split_token') }} as word
    from {{ relation }}
    {{ split_to_rows(address_clean(text_expression), ' ', 'split_tokens', 'split_token') }}
    where split_token <> ''

)

select
    address_id,
    word
from tokens
where {{ address_token_kind('word') }} = 'word'
{%- endmacro %}


{% macro address_pair_scores(pairs, name) %}
    {#-
        CTEs scoring the candidate pairs in CTE `pairs` (address_id, uprn), ending with CTE `name`: one row per pair
        with words_matched, fuzzy_words, candidate_words_covered, candidate_word_count, postcode_agreement,
        is_acceptable (every typed word found; at least half the candidate's words typed, unless the postcode is the
        same: a block flat typed without its street; a shell only where allowed) and score (100, less 5 per edit, up to 20 for candidate words not typed, and 10 / 15 / 30 when the
        postcode is only the same outward code / not typed / another). Needs CTEs inputs, input_words, gazetteer and
        gazetteer_words in the same model.
    -#}
{{ name }}_words as (

    select
        pairs.address_id,
        pairs.uprn,
        input_words.word as input_word,
        gazetteer_words.word as gazetteer_word,
        case
            when input_words.word = gazetteer_words.word then 0
            else {{ edit_distance('input_words.word', 'gazetteer_words.word') }}
        end as distance
    from {{ pairs }} as pairs
    inner join input_words
        on pairs.address_id = input_words.address_id
    inner join gazetteer_words
        on pairs.uprn = gazetteer_words.uprn
    where input_words.word = gazetteer_words.word
        or (
            substr(input_words.word, 1, 1) = substr(gazetteer_words.word, 1, 1)
            and abs(length(input_words.word) - length(gazetteer_words.word)) <= 2
            and greatest(length(input_words.word), length(gazetteer_words.word)) >= 5
            and least(length(input_words.word), length(gazetteer_words.word)) >= 4
            and {{ edit_distance('input_words.word', 'gazetteer_words.word') }}
                <= case when least(length(input_words.word), length(gazetteer_words.word)) >= 5 then 2 else 1 end
        )

),

{{ name }}_typed as (

    select
        address_id,
        uprn,
        count(*) as words_matched,
        sum(case when distance > 0 then 1 else 0 end) as fuzzy_words,
        sum(distance) as edits
    from (
        select
            address_id,
            uprn,
            input_word,
            min(distance) as distance
        from {{ name }}_words
        group by address_id, uprn, input_word
    ) as best_per_word
    group by address_id, uprn

),

{{ name }}_covered as (

    select
        address_id,
        uprn,
        count(distinct gazetteer_word) as covered
    from {{ name }}_words
    group by address_id, uprn

),

{{ name }} as (

    select
        pairs.address_id,
        pairs.uprn,
        coalesce(typed.words_matched, 0) as words_matched,
        coalesce(typed.fuzzy_words, 0) as fuzzy_words,
        coalesce(covered.covered, 0) as candidate_words_covered,
        gazetteer.word_count as candidate_word_count,
        case
            when inputs.postcode = gazetteer.postcode then 'same postcode'
            when inputs.postcode is null then 'no postcode typed'
            when inputs.outward_code = gazetteer.outward_code then 'same outward code'
            else 'another postcode'
        end as postcode_agreement,
        (
            inputs.word_count > 0
            and coalesce(typed.words_matched, 0) = inputs.word_count
            and (
                gazetteer.word_count = 0
                or 2 * coalesce(covered.covered, 0) >= gazetteer.word_count
                or inputs.postcode = gazetteer.postcode
            )
            and (inputs.shells_allowed or gazetteer.blpu_class not like 'P%')
        ) as is_acceptable,
        round(
            100.0
            - 5.0 * coalesce(typed.edits, 0)
            - 20.0 * (1.0 - coalesce(covered.covered, 0) * 1.0 / greatest(gazetteer.word_count, 1))
            - case
                when inputs.postcode = gazetteer.postcode then 0
                when inputs.postcode is null then 15
                when inputs.outward_code = gazetteer.outward_code then 10
                else 30
            end,
            1
        ) as score
    from {{ pairs }} as pairs
    inner join inputs
        on pairs.address_id = inputs.address_id
    inner join gazetteer
        on pairs.uprn = gazetteer.uprn
    left join {{ name }}_typed as typed
        on pairs.address_id = typed.address_id
        and pairs.uprn = typed.uprn
    left join {{ name }}_covered as covered
        on pairs.address_id = covered.address_id
        and pairs.uprn = covered.uprn

)
{%- endmacro %}
