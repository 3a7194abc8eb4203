{#-
    Address matching to the gazetteer in SQL that runs on DuckDB and Athena alike (engine differences live in
    macros/cross_db/). The same steps are applied to the gazetteer and to the addresses to match:

    1. address_clean: upper case; the postcode taken out; what is not the address taken out (a contact's title and
       name, a phone number, "C/O ...", a landmark from "ADJ TO", "OPP", "NEXT TO" ... to the end); apostrophes
       dropped (ST PETER'S -> ST PETERS); number ranges written 1-3; G/F, 1ST, 1/F ... written as floors, LOWER
       GROUND as BASEMENT; '12A' split into '12 A'; anything else not a letter, digit or range becomes a space.
    2. address_tokens: each word looked up in the seed address_vocabulary (a council edits it, not this file):
       an abbreviation becomes its canonical word on both sides (RD -> ROAD; STREET, STR and SAINT all -> ST, since
       a gazetteer's ST is Saint and a typist's ST is Street); floor words become identifiers (G/F -> GROUND); unit
       words (FLAT, APARTMENT, FLOOR ...) are kept as a sign the text names a unit, communal words (COMMUNAL,
       STAIRS, BLOCK ...) as a sign it names a whole building, kinds of place (GARAGE, SHOP) as what a candidate
       must also be; stop words are dropped.
       A number, a number range or a single letter is an identifier; anything else is a word.
    3. matching (int_housing__address_matches): candidates share the postcode, or a number and a word (exactly, or
       with one or two typing edits); each is scored on how much of its own words were typed (weighted by how rare
       each word is in the gazetteer), how much of what was typed it explains, and postcode agreement, less a
       penalty per typed identifier it lacks; one lacking an identifier of its own is refused. The best wins only
       when it leads the runner-up (another UPRN) by the margin: a near-tie is refused and both are reported.
-#}

{% macro address_clean(expression) %}
    {#- One regular expression per step, the noise ones joined: each call nests, and a deep nest is slow to parse. -#}
    {%- set noise = [
        '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}',
        '\\b(' ~ address_landmark_words() | join('|') ~ ')\\b.*$',
        '\\b(C/O|CONTACT|TEL|KEY WITH|ACCESS VIA)\\b[^,]*',
        '\\b(MR|MRS|MS|MISS|MX)\\b[ .]+([A-Z]\\b[ .]*)?[A-Z-]+',
        '\\b0[0-9][0-9 ]{8,11}[0-9]\\b',
    ] -%}
    {%- set text = 'upper(coalesce(' ~ expression ~ ", ''))" -%}
    {%- set text = regex_replace(text, '[\\x27’`~]', '') -%}
    {%- set text = regex_replace(text, noise | join('|'), ' ') -%}
    {#- A landmark after the address ("12 HIGH ST ABOVE CHICKEN SHOP"): dropped when a number came before it and none
        after, so "FLAT ABOVE SHOP, 12 HIGH ST" keeps its address. The words are var address_landmark_after_words. -#}
    {%- set text = regex_replace(text, '([0-9].*)\\b(' ~ address_landmark_after_words() | join('|') ~ ')\\b[^0-9]*$',
                                 '\\1') -%}
    {%- set text = regex_replace(text, '([0-9]+[A-Z]?) *(-|\\bTO\\b) *([0-9]+[A-Z]?)', '\\1~\\3') -%}
    {#- A compass letter before a street type is the street's word ("N RD" is NORTH ROAD), not a flat letter: written
        NCOMPASS, SCOMPASS ... here (one expression, not one per letter) and read as NORTH, SOUTH ... by the seed. -#}
    {%- set text = regex_replace(text, '\\b([NSEW]) +(' ~ address_compass_street_types() | join('|') ~ ')\\b',
                                 '\\1COMPASS \\2') -%}
    {%- set text = regex_replace(text, '\\bLOWER GROUND\\b|\\bLGF\\b', 'BASEMENT') -%}
    {%- set text = regex_replace(text, '\\bG/F\\b', 'GROUND') -%}
    {%- set text = regex_replace(text, '\\b1ST\\b|\\b1/F\\b', 'FIRST') -%}
    {%- set text = regex_replace(text, '\\b2ND\\b|\\b2/F\\b', 'SECOND') -%}
    {%- set text = regex_replace(text, '\\b3RD\\b|\\b3/F\\b', 'THIRD') -%}
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


{% macro outward_code(postcode) -%}
    case when {{ postcode }} is not null then substr({{ postcode }}, 1, {{ dbt.position("' '", postcode) }} - 1) end
{%- endmacro %}


{% macro address_landmark_words() %}
    {#- Words that start a landmark typed after the address ("ADJ TO TESCO"): the rest of the text is dropped. -#}
    {{ return(var('address_landmark_words')) }}
{% endmacro %}


{% macro address_landmark_after_words() %}
    {#- Words that start a landmark only when the address was typed before them ("... ABOVE CHICKEN SHOP"). -#}
    {{ return(var('address_landmark_after_words')) }}
{% endmacro %}


{% macro address_compass_street_types() %}
    {#- Street types after which a compass letter is read as a word: "N RD", "S ST" (NORTH ROAD, SOUTH STREET). -#}
    {{ return(var('address_compass_street_types')) }}
{% endmacro %}


{% macro address_tokens(relation, id_column, text_expression, floor_slips=false) %}
    {#-
        One row per distinct (address, token) of `relation`: token_kind identifier (a number, a range, a single
        letter, a floor), word, or unit (FLAT, APARTMENT ...: the text names a unit); stop words dropped. Words and
        abbreviations are looked up in the seed address_vocabulary; the borough's name (var borough_name) is a stop word.
        With floor_slips (typed text only, never the gazetteer): a word the vocabulary does not know that is a slip of
        one of its floor words (GROOUND, BAESMENT, FRST) is read as that floor.
    -#}
with split_tokens as (

    select distinct
        {{ id_column }} as address_id,
        split_token as typed
    from {{ relation }}
    {{ split_to_rows(address_clean(text_expression), ' ', 'split_tokens', 'split_token') }}
    where split_token <> ''

),

looked_up as (

    select
        split_tokens.address_id,
        coalesce(vocabulary.canonical, floor_slip.canonical, split_tokens.typed) as token,
        case
            when vocabulary.role is not null then vocabulary.role
            when floor_slip.canonical is not null then 'floor'
            when split_tokens.typed = '{{ var("borough_name", "HACKNEY") | upper }}' then 'stop'
            when {{ full_match('split_tokens.typed', '[0-9]+[A-Z]?(-[0-9]+[A-Z]?)?|[A-Z]') }} then 'identifier'
            else 'word'
        end as role
    from split_tokens
    left join {{ ref('address_vocabulary') }} as vocabulary
        on split_tokens.typed = vocabulary.typed
    left join {{ ref('address_vocabulary') }} as floor_slip
        on
            {{ 'true' if floor_slips else 'false' }}
            and vocabulary.typed is null
            and floor_slip.role = 'floor'
            and floor_slip.typed = floor_slip.canonical
            and substr(split_tokens.typed, 1, 1) = substr(floor_slip.canonical, 1, 1)
            and {{ address_words_alike('split_tokens.typed', 'floor_slip.canonical') }}

)

select distinct
    address_id,
    token,
    case when role = 'floor' then 'identifier' else role end as token_kind
from looked_up
where role <> 'stop'
{%- endmacro %}


{% macro address_words_alike(typed, known) -%}
    {#- A typed word that is a slip of a gazetteer word: both of four letters or more, lengths within two, and one edit
        apart (two, a swap of two letters, for words of five letters or more). The caller compares first letters (it keys on them). -#}
    (
        least(length({{ typed }}), length({{ known }})) >= 4
        and abs(length({{ typed }}) - length({{ known }})) <= 2
        and {{ edit_distance(typed, known) }}
        <= case when least(length({{ typed }}), length({{ known }})) >= 5 then 2 else 1 end
    )
{%- endmacro %}


{% macro address_candidates(keys) %}
    {#- Every candidate pair found by any of `keys`: one address_candidates_on(key) per key. -#}
    {%- for key in keys %}
        {%- if not loop.first %}
    union
        {%- endif %}
    {{ address_candidates_on(key) }}
    {%- endfor %}
{%- endmacro %}


{% macro address_candidates_on(key) %}
    {#- The (address_id, uprn) pairs one candidate key finds, inside int_housing__address_matches (its CTEs inputs,
        gazetteer, input_keys, gazetteer_keys, alike_words): 'postcode' (the typed postcode is the address's),
        'number_and_word' (a typed number and a typed word the gazetteer knows), 'number_and_word_alike' (a typed number
        and a typed word unknown to the gazetteer one or two edits from one of the address's: alike_words, worked out
        once per distinct word). -#}
    {%- if key == 'postcode' %}
    select
        inputs.address_id,
        gazetteer.uprn
    from inputs
    inner join gazetteer
        on inputs.postcode = gazetteer.postcode
    {%- elif key == 'number_and_word' %}
    select
        input_keys.address_id,
        gazetteer_keys.uprn
    from input_keys
    inner join gazetteer_keys
        on
            input_keys.token = gazetteer_keys.token
            and input_keys.number = gazetteer_keys.number
    {%- elif key == 'number_and_word_alike' %}
    select
        input_keys.address_id,
        gazetteer_keys.uprn
    from input_keys
    inner join alike_words
        on input_keys.token = alike_words.typed
    inner join gazetteer_keys
        on
            alike_words.token = gazetteer_keys.token
            and input_keys.number = gazetteer_keys.number
    where input_keys.weight is null
    {%- else %}
    {{ exceptions.raise_compiler_error("address_candidates_on: unknown candidate key '" ~ key ~ "' (var address_match_candidate_keys): use postcode, number_and_word or number_and_word_alike") }}
    {%- endif %}
{%- endmacro %}


{% macro address_matches_delete_gone(matches, inputs) %}
    {#- Post-hook of the incremental int_housing__address_matches: an input that is no longer an input (a property gone
        from the housing extract) loses its stored match, as a full refresh would never have written it. An Iceberg
        DELETE on Athena; printed for the offline Athena check (macros/athena/athena_check_statements.sql). -#}
    delete from {{ matches }}
    where address_input_id not in (select gone_check.address_input_id from {{ inputs }} as gone_check)
{%- endmacro %}
