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


{% macro address_candidates(keys, inputs='inputs', input_keys='input_keys', every=false) %}
    {#- Every candidate pair found by any of `keys`: one address_candidates_on(key) per key. -#}
    {%- for key in keys %}
        {%- if not loop.first %}
    union
        {%- endif %}
    {{ address_candidates_on(key, inputs, input_keys, every) }}
    {%- endfor %}
{%- endmacro %}


{% macro address_candidates_on(key, inputs='inputs', input_keys='input_keys', every=false) %}
    {#- The (address_id, uprn) pairs one candidate key finds, inside int_housing__address_matches (its CTEs gazetteer,
        gazetteer_keys, alike_words, and the relations named by `inputs` and `input_keys`): 'postcode' (the typed
        postcode is the address's), 'number_and_word' (a typed number and a typed word the gazetteer knows),
        'number_and_word_alike' (a typed number and a typed word unknown to the gazetteer one or two edits from one of
        the address's: alike_words, worked out once per distinct word).

        On a large gazetteer 'number_and_word' finds many addresses that cannot be chosen (every flat 18 of every
        block on a street of a common word). Unless `every` (what the reason of a refused input counts), it keeps
        only the pairs that could be: an address of the typed postcode; one whose word found is among its heavy ones
        (gazetteer_keys.is_heavy: its words at most as rare as this one weigh at least var
        address_match_min_coverage of all its words); or, for step 4's exception with no postcode or the outward
        code only (every typed word the gazetteer knows must be the address's), one whose heavy ones at var
        address_match_min_coverage_identified include the input's rarest word. Why no other pair can be accepted:
        docs/platform-team/address-matching.md, "Blocking before comparing". -#}
    {%- if key == 'postcode' %}
    select
        inputs.address_id,
        gazetteer.uprn
    from {{ inputs }} as inputs
    inner join gazetteer
        on inputs.postcode = gazetteer.postcode
    {%- elif key in ('number_and_word', 'number_and_word_alike') %}
        {%- set alike = key == 'number_and_word_alike' %}
        {%- set word = 'alike_words.token' if alike else 'input_keys.token' %}
        {%- set branches = [none] if every or alike else ['heavy', 'postcode', 'identified'] %}
        {%- for branch in branches %}
            {%- set conditions = ['input_keys.weight is null'] if alike else [] %}
            {%- if branch == 'heavy' %}
                {%- do conditions.append('gazetteer_keys.is_heavy') %}
            {%- elif branch == 'identified' %}
                {%- do conditions.extend(['input_keys.is_rarest_known', 'gazetteer_keys.is_heavy_identified',
                    '(input_keys.postcode is null or input_keys.outward_code = gazetteer_keys.outward_code)']) %}
            {%- endif %}
            {%- if not loop.first %}
    union
            {%- endif %}
    select
        input_keys.address_id,
        gazetteer_keys.uprn
    from {{ input_keys }} as input_keys
            {%- if alike %}
    inner join alike_words
        on input_keys.token = alike_words.typed
            {%- endif %}
    inner join gazetteer_keys
        on
            {{ word }} = gazetteer_keys.token
            and input_keys.number = gazetteer_keys.number
            {%- if branch == 'postcode' %}
            and input_keys.postcode = gazetteer_keys.postcode
            {%- endif %}
            {%- if conditions %}
    where {{ conditions | join('\n        and ') }}
            {%- endif %}
        {%- endfor %}
    {%- else %}
    {{ exceptions.raise_compiler_error("address_candidates_on: unknown candidate key '" ~ key ~ "' (var address_match_candidate_keys): use postcode, number_and_word or number_and_word_alike") }}
    {%- endif %}
{%- endmacro %}


{% macro pair_word_key(uprn, token) -%}
    {#- One join key of a UPRN and a word: what keeps a pair's words from being joined on the word alone. -#}
    {{ dbt.concat([token, "' '", dbt.safe_cast(uprn, dbt.type_string())]) }}
{%- endmacro %}


{% macro address_pair_identifiers(pairs) %}
    {#- Per pair of `pairs` (address_id, uprn), inside int_housing__address_matches (its CTEs input_identifiers,
        gazetteer_identifiers, input_identifier_counts, gazetteer_identifier_counts, input_tokens, gazetteer_tokens):
        the candidate's identifiers not typed (numbers, and letters or floors), how many it has, the typed identifiers
        it lacks (numbers, and letters or floors) and the typed kinds of place (GARAGE, SHOP) it is not. A gazetteer
        range 65-67 is typed when 65-67, 65 or 67 is. Counted from the identifiers both sides have (a pair has one or
        two), not by comparing every identifier of one side with every one of the other. -#}
    select
        pairs.address_id,
        pairs.uprn,
        coalesce(own_counts.numbers, 0) - coalesce(hits.own_numbers, 0) as missing_numbers,
        coalesce(own_counts.others, 0) - coalesce(hits.own_others, 0) as missing_unit_identifiers,
        coalesce(own_counts.numbers, 0) + coalesce(own_counts.others, 0) as own_identifiers,
        coalesce(typed_counts.numbers, 0) - coalesce(hits.typed_numbers, 0) as extra_numbers,
        coalesce(typed_counts.others, 0) - coalesce(hits.typed_others, 0) as extra_others,
        coalesce(places.places, 0) as places_not_found
    from {{ pairs }} as pairs
    left join input_identifier_counts as typed_counts
        on pairs.address_id = typed_counts.address_id
    left join gazetteer_identifier_counts as own_counts
        on pairs.uprn = own_counts.uprn
    left join (
        select
            hit_pairs.address_id,
            hit_pairs.uprn,
            count(distinct case
                when {{ full_match('input_identifiers.token', '[0-9].*') }} then input_identifiers.token
            end) as typed_numbers,
            count(distinct case
                when not {{ full_match('input_identifiers.token', '[0-9].*') }} then input_identifiers.token
            end) as typed_others,
            count(distinct case
                when {{ full_match('gazetteer_identifiers.token', '[0-9].*') }} then gazetteer_identifiers.token
            end) as own_numbers,
            count(distinct case
                when not {{ full_match('gazetteer_identifiers.token', '[0-9].*') }} then gazetteer_identifiers.token
            end) as own_others
        from {{ pairs }} as hit_pairs
        inner join input_identifiers
            on hit_pairs.address_id = input_identifiers.address_id
        inner join gazetteer_identifiers
            on {{ pair_word_key('gazetteer_identifiers.uprn', 'gazetteer_identifiers.typed_as') }}
            = {{ pair_word_key('hit_pairs.uprn', 'input_identifiers.token') }}
        group by hit_pairs.address_id, hit_pairs.uprn
    ) as hits
        on pairs.address_id = hits.address_id and pairs.uprn = hits.uprn
    left join (
        select
            place_pairs.address_id,
            place_pairs.uprn,
            count(*) as places
        from {{ pairs }} as place_pairs
        inner join input_tokens
            on place_pairs.address_id = input_tokens.address_id and input_tokens.token_kind = 'place'
        left join gazetteer_tokens
            on place_pairs.uprn = gazetteer_tokens.uprn and input_tokens.token = gazetteer_tokens.token
        where gazetteer_tokens.uprn is null
        group by place_pairs.address_id, place_pairs.uprn
    ) as places
        on pairs.address_id = places.address_id and pairs.uprn = places.uprn
{%- endmacro %}


{% macro address_pair_words(pairs) %}
    {#- Per pair of `pairs` with a word in common, inside int_housing__address_matches (its CTEs input_words,
        gazetteer_words, alike_words): covered_weight, the candidate's words typed (each at its best: the same word,
        else a slip of it at a tenth of a word per edit), explained_weight, the typed words the gazetteer knows that
        are the candidate's, and fuzzy_words, its words typed only with a slip. A typed word the gazetteer knows is
        only ever its own word, so only the slips need their best per candidate word. The candidate's word is joined
        on one key of its UPRN and word (pair_word_key): joined on the word alone first, a common word (ROAD) would
        meet every typed ROAD before the pairs narrow it, a plan DuckDB chose (tens of GB spilled). -#}
    select
        address_id,
        uprn,
        sum(gazetteer_weight * (1.0 - 0.1 * distance)) as covered_weight,
        sum(input_weight) as explained_weight,
        sum(case when distance > 0 then 1 else 0 end) as fuzzy_words
    from (
        select
            word_pairs.address_id,
            word_pairs.uprn,
            gazetteer_words.weight as gazetteer_weight,
            input_words.weight as input_weight,
            0 as distance
        from {{ pairs }} as word_pairs
        inner join input_words
            on word_pairs.address_id = input_words.address_id
        inner join gazetteer_words
            on {{ pair_word_key('gazetteer_words.uprn', 'gazetteer_words.token') }}
            = {{ pair_word_key('word_pairs.uprn', 'input_words.token') }}
        union all
        select
            slips.address_id,
            slips.uprn,
            max(slips.gazetteer_weight) as gazetteer_weight,
            cast(null as {{ type_double() }}) as input_weight,
            min(slips.distance) as distance
        from (
            select
                slip_pairs.address_id,
                slip_pairs.uprn,
                gazetteer_words.token,
                gazetteer_words.weight as gazetteer_weight,
                alike_words.distance
            from {{ pairs }} as slip_pairs
            inner join input_words
                on slip_pairs.address_id = input_words.address_id and input_words.weight is null
            inner join alike_words
                on input_words.token = alike_words.typed
            inner join gazetteer_words
                on {{ pair_word_key('gazetteer_words.uprn', 'gazetteer_words.token') }}
                = {{ pair_word_key('slip_pairs.uprn', 'alike_words.token') }}
        ) as slips
        left join input_words as typed_exactly
            on slips.address_id = typed_exactly.address_id and slips.token = typed_exactly.token
        where typed_exactly.token is null
        group by slips.address_id, slips.uprn, slips.token
    ) as matched_words
    group by address_id, uprn
{%- endmacro %}


{% macro rows_fingerprint(row_text) %}
    {#- An aggregate: a fingerprint of the rows' content (one text per row) that does not depend on their order and
        stays small however many rows: the row count and two sums of 36-bit slices of each row's MD5, as text. A sum
        of 36-bit numbers fits a bigint up to 2^27 rows (Athena's sum overflows past it); one string of every row,
        sorted, did not fit Athena's limits on a gazetteer. A change to a row changes the fingerprint unless both
        slices of its hash sum to what they were, a chance of about 2^-72. -#}
    {%- set row_hash = dbt.hash(row_text) -%}
    {{ dbt.concat([
        dbt.safe_cast('count(*)', dbt.type_string()), "':'",
        dbt.safe_cast('coalesce(sum(' ~ hex_to_bigint('substr(' ~ row_hash ~ ', 1, 9)') ~ '), 0)', dbt.type_string()),
        "':'",
        dbt.safe_cast('coalesce(sum(' ~ hex_to_bigint('substr(' ~ row_hash ~ ', 10, 9)') ~ '), 0)', dbt.type_string()),
    ]) }}
{%- endmacro %}


{% macro hex_to_bigint(hex) %}
    {#- A text of hexadecimal digits (at most 15) as a bigint. -#}
    {{ return(adapter.dispatch('hex_to_bigint', 'council_data_platform')(hex)) }}
{% endmacro %}

{% macro default__hex_to_bigint(hex) %}cast('0x' || {{ hex }} as bigint){% endmacro %}

{% macro athena__hex_to_bigint(hex) %}from_base({{ hex }}, 16){% endmacro %}


{% macro address_matches_delete_gone(matches, inputs) %}
    {#- Post-hook of the incremental int_housing__address_matches: an input that is no longer an input (a property gone
        from the housing extract) loses its stored match, as a full refresh would never have written it. An Iceberg
        DELETE on Athena; printed for the offline Athena check (macros/athena/athena_check_statements.sql). -#}
    delete from {{ matches }}
    where address_input_id not in (select gone_check.address_input_id from {{ inputs }} as gone_check)
{%- endmacro %}
