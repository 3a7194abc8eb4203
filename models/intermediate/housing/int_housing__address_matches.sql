-- Every address to match (int_housing__address_inputs) matched to at most one UPRN of the current gazetteer, with the
-- method, score, the best candidate and the runner-up, and the reason. The rules (macros/housing/address_matching.sql):
-- candidates share the postcode, or a number and a word (a typed word unknown to the gazetteer may differ from the
-- gazetteer's by one or two typing edits); a candidate lacking one of its own identifiers (a flat number, a letter, a
-- floor) in the text is refused; the others are scored on the share of their words typed (rare words weigh more), the
-- share of the typed words they explain, and postcode agreement, less a penalty per typed identifier they lack. The
-- best is accepted when it scores at least var address_match_min_score and leads the runner-up (another UPRN) by var
-- address_match_min_margin: a near-tie is refused, never guessed.
{%- set min_score = var('address_match_min_score', 60) %}
{%- set min_margin = var('address_match_min_margin', 5) %}
{%- set min_coverage = var('address_match_min_coverage', 0.5) %}
{%- set min_coverage_same_postcode = var('address_match_min_coverage_same_postcode', 0.3) %}
{%- set named_only = var('address_match_named_only_classes', ['C']) %}
{%- set floors = "'GROUND', 'FIRST', 'SECOND', 'THIRD', 'FOURTH', 'BASEMENT', 'TOP'" %}
{%- set key_share = var('address_match_key_word_max_share', 0.05) %}
{%- set min_coverage_identified = var('address_match_min_coverage_identified', 0.25) %}
{%- set identified_score = var('address_match_identified_score', 70) %}
{%- set identified_postcode_bonus = var('address_match_identified_postcode_bonus', 10) %}
{%- set min_coverage_number_added = var('address_match_min_coverage_number_added', 0.75) %}
{%- set block_number_dropped_penalty = var('address_match_block_number_dropped_penalty', 7) %}
{%- set candidate_keys = var('address_match_candidate_keys',
                             ['postcode', 'number_and_word', 'number_and_word_alike']) %}
{#- What a stored match was decided by besides the gazetteer and the vocabulary: this file, the macros' rules as
    rendered (cleaning, tokens, candidate keys) and every setting. A change to any of them re-matches everything. -#}
{%- set rules = local_md5(
    model.raw_code ~ address_clean('t') ~ address_tokens('r', 'i', 't', floor_slips=true)
    ~ address_candidates(candidate_keys)
    ~ tojson([min_score, min_margin, min_coverage, min_coverage_same_postcode, named_only, key_share,
              min_coverage_identified, identified_score, identified_postcode_bonus, min_coverage_number_added,
              block_number_dropped_penalty, var('address_match_units_compete', true), var('borough_name', 'HACKNEY')])
) %}
{{ config(
    materialized='incremental',
    unique_key='address_input_id',
    incremental_strategy=history_incremental_strategy(),
    post_hook=["{{ address_matches_delete_gone(this, ref('int_housing__address_inputs')) }}"],
    meta={'delete_gone_of': 'int_housing__address_inputs'},
) }}
-- Incremental: an input is matched again only when what its match reads changed (match_key: its cleaned text,
-- postcode, kind and whether shells are allowed) or the matcher did (matcher_version: the gazetteer's and the
-- vocabulary's content and the rules); a text already matched for another input with the same version is copied,
-- and inputs with the same key are matched once. docs/platform-team/address-matching.md, "How it runs".
with matcher_version as (

    select
        {{ dbt.hash(dbt.concat(["'" ~ rules ~ "'", "'|'", 'gazetteer_rows.fingerprint', "'|'",
                                'vocabulary_rows.fingerprint'])) }} as matcher_version
    from (
        select {{ rows_fingerprint('gazetteer_row') }} as fingerprint
        from (
            select
                {{ dbt.concat([
                    "coalesce(cast(address_id as " ~ dbt.type_string() ~ "), '')", "','",
                    "coalesce(cast(parent_uprn as " ~ dbt.type_string() ~ "), '')", "','",
                    "coalesce(cast(usrn as " ~ dbt.type_string() ~ "), '')", "','",
                    "coalesce(blpu_class, '')", "','", "coalesce(postcode, '')", "','",
                    "coalesce(address_clean, '')", "','",
                    "coalesce(cast(has_units as " ~ dbt.type_string() ~ "), '')"]) }} as gazetteer_row
            from {{ ref('int_housing__gazetteer_addresses') }}
        ) as gazetteer_text
    ) as gazetteer_rows
    cross join (
        select {{ rows_fingerprint('vocabulary_row') }} as fingerprint
        from (
            select
                {{ dbt.concat(["coalesce(typed, '')", "','", "coalesce(canonical, '')", "','",
                               "coalesce(role, '')"]) }} as vocabulary_row
            from {{ ref('address_vocabulary') }}
        ) as vocabulary_text
    ) as vocabulary_rows

),

keyed_inputs as (

    select
        cleaned.*,
        {{ dbt.hash(dbt.concat([
            'cleaned.input_kind', "'|'",
            "coalesce(cast(cleaned.shells_allowed as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cleaned.postcode, '')", "'|'", 'cleaned.address_clean'])) }} as match_key
    from (
        select
            address_input_id,
            input_id,
            input_kind,
            contractor,
            shells_allowed,
            postcode,
            address_text,
            {{ address_clean('address_text') }} as address_clean
        from {{ ref('int_housing__address_inputs') }}
    ) as cleaned

),

-- The inputs this run writes: every one on a first build; later, those whose key or matcher version changed.
to_place as (

    select
        keyed_inputs.*,
        matcher_version.matcher_version
    from keyed_inputs
    cross join matcher_version
    {%- if is_incremental() %}
    left join {{ this }} as stored
        on
            keyed_inputs.address_input_id = stored.address_input_id
            and keyed_inputs.match_key = stored.match_key
            and matcher_version.matcher_version = stored.matcher_version
    where stored.address_input_id is null
    {%- endif %}

),
{%- set result_columns = ['identifiers', 'uprn', 'match_method', 'match_score', 'candidate_uprn', 'candidate_score',
                          'runner_up_uprn', 'runner_up_score', 'is_ambiguous', 'match_reason', 'tied_candidates'] %}
{%- if is_incremental() %}

-- A key already matched with this matcher version (another repair typed the same): its result, not matched again.
stored_results as (

    select
        match_key,
        {{ result_columns | join(',\n        ') }}
    from (
        select
            stored.*,
            row_number() over (partition by stored.match_key order by stored.address_input_id) as nth_stored
        from {{ this }} as stored
        inner join matcher_version
            on stored.matcher_version = matcher_version.matcher_version
        where stored.match_key in (select to_place.match_key from to_place)
    ) as stored_keys
    where nth_stored = 1

),
{%- endif %}

-- One row per key to match (its first input stands for all): what the rules below read. Pairs carry a number per key
-- (address_id), not the 32-character match_key: every join and aggregate of pairs below is keyed by it.
inputs as (

    select
        row_number() over (order by match_key) as address_id,
        match_key,
        input_kind,
        shells_allowed,
        postcode,
        address_text,
        address_clean,
        {{ outward_code('postcode') }} as outward_code
    from (
        select
            to_place.*,
            row_number() over (partition by to_place.match_key order by to_place.address_input_id) as representative
        from to_place
        {%- if is_incremental() %}
        where to_place.match_key not in (select stored_results.match_key from stored_results)
        {%- endif %}
    ) as keys_to_match
    where representative = 1

),

input_tokens as (

    {{ address_tokens('inputs', 'address_id', 'address_text', floor_slips=true) }}

),

-- The typed identifiers as one sorted signature ('' when none): what finds unmatched repairs typed with a home's numbers.
input_signatures as (

    select
        address_id,
        {{ sorted_string_agg('token', ' ') }} as identifiers
    from input_tokens
    where token_kind = 'identifier'
    group by address_id

),

gazetteer as (

    select
        address_id as uprn,
        parent_uprn,
        usrn,
        postcode,
        outward_code,
        blpu_class,
        has_units
    from {{ ref('int_housing__gazetteer_addresses') }}

),

gazetteer_tokens as (

    select
        address_id as uprn,
        token,
        token_kind
    from {{ ref('int_housing__gazetteer_words') }}

),

gazetteer_size as (

    select count(*) * 1.0 as addresses
    from gazetteer

),

known_postcodes as (

    select distinct postcode
    from gazetteer
    where postcode is not null

),

-- How telling a word is: the rarer in the gazetteer, the more (inverse document frequency); share = how many of the
-- gazetteer's addresses have it.
word_weights as (

    select
        gazetteer_tokens.token,
        ln(max(gazetteer_size.addresses) / count(*)) + 1.0 as weight,
        count(*) / max(gazetteer_size.addresses) as share
    from gazetteer_tokens
    cross join gazetteer_size
    where gazetteer_tokens.token_kind = 'word'
    group by gazetteer_tokens.token

),

-- A typed word the gazetteer does not know (a name, a typo) has no weight: it is matched fuzzily or ignored.
typed_words as (

    select
        input_tokens.address_id,
        input_tokens.token,
        word_weights.weight,
        word_weights.share
    from input_tokens
    left join word_weights
        on input_tokens.token = word_weights.token
    where input_tokens.token_kind = 'word'

),

-- Two words typed as one (LUCASWAY, FENWICKDR): a word the gazetteer does not know that is a word it knows followed by
-- another, or by one of the vocabulary's abbreviations, is read as the two. Worked out once per distinct word (the
-- first three letters join them, so it is not a comparison of every typed word with every gazetteer word).
word_splits as (

    select distinct
        unknown.token as typed,
        first_part.token as first_token,
        coalesce(vocabulary.canonical, substr(unknown.token, length(first_part.token) + 1)) as second_token
    from (
        select distinct token
        from typed_words
        where weight is null
    ) as unknown
    inner join word_weights as first_part
        on
            substr(unknown.token, 1, 3) = substr(first_part.token, 1, 3)
            and unknown.token like first_part.token || '%'
            and length(first_part.token) >= 3
            and length(unknown.token) - length(first_part.token) >= 2
    left join {{ ref('address_vocabulary') }} as vocabulary
        on
            substr(unknown.token, length(first_part.token) + 1) = vocabulary.typed
            and vocabulary.role = 'word'

),

joined_words as (

    select
        typed_words.address_id,
        word_splits.typed,
        word_splits.first_token,
        word_splits.second_token
    from typed_words
    inner join word_splits
        on typed_words.token = word_splits.typed
    where typed_words.weight is null

),

split_words as (

    select
        joined_words.address_id,
        joined_words.typed,
        joined_words.first_token,
        joined_words.second_token
    from joined_words
    inner join word_weights
        on joined_words.second_token = word_weights.token

),

input_words as (

    select distinct
        typed_words.address_id,
        typed_words.token,
        typed_words.weight,
        typed_words.share
    from typed_words
    left join split_words
        on typed_words.address_id = split_words.address_id and typed_words.token = split_words.typed
    where split_words.typed is null
    union
    select
        split_words.address_id,
        word_weights.token,
        word_weights.weight,
        word_weights.share
    from split_words
    inner join word_weights
        on word_weights.token in (split_words.first_token, split_words.second_token)

),

-- The gazetteer's words one or two typing edits from a typed word it does not know (address_words_alike), each typed
-- word once: what the fuzzy candidate key and the word comparison of each pair look up, instead of an edit distance
-- per candidate pair.
alike_words as (

    select
        unknown.token as typed,
        word_weights.token,
        {{ edit_distance('unknown.token', 'word_weights.token') }} as distance
    from (
        select distinct token
        from input_words
        where weight is null
    ) as unknown
    inner join word_weights
        on substr(unknown.token, 1, 1) = substr(word_weights.token, 1, 1)
    where {{ address_words_alike('unknown.token', 'word_weights.token') }}

),

gazetteer_words as (

    select
        gazetteer_tokens.uprn,
        gazetteer_tokens.token,
        word_weights.weight,
        word_weights.share
    from gazetteer_tokens
    inner join word_weights
        on gazetteer_tokens.token = word_weights.token
    where gazetteer_tokens.token_kind = 'word'

),

input_identifiers as (

    select
        address_id,
        token
    from input_tokens
    where token_kind = 'identifier'

),

-- A gazetteer range 65-67 is found when 65-67, 65 or 67 is typed.
gazetteer_identifiers as (

    select
        uprn,
        token,
        token as typed_as
    from gazetteer_tokens
    where token_kind = 'identifier'
    union all
    select
        uprn,
        token,
        split_part(token, '-', 1) as typed_as
    from gazetteer_tokens
    where token_kind = 'identifier' and token like '%-%'
    union all
    select
        uprn,
        token,
        split_part(token, '-', 2) as typed_as
    from gazetteer_tokens
    where token_kind = 'identifier' and token like '%-%'

),

-- How many identifiers each side has, numbers (and ranges) and the rest (letters, floors): what a pair's matched
-- identifiers are counted against (address_pair_identifiers).
input_identifier_counts as (

    select
        address_id,
        sum(case when {{ full_match('token', '[0-9].*') }} then 1 else 0 end) as numbers,
        sum(case when {{ full_match('token', '[0-9].*') }} then 0 else 1 end) as others
    from input_identifiers
    group by address_id

),

gazetteer_identifier_counts as (

    select
        uprn,
        sum(case when {{ full_match('token', '[0-9].*') }} then 1 else 0 end) as numbers,
        sum(case when {{ full_match('token', '[0-9].*') }} then 0 else 1 end) as others
    from gazetteer_tokens
    where token_kind = 'identifier'
    group by uprn

),

-- Candidate keys: each number with each word; an address with no number keys on '' instead.
input_numbers as (

    select
        inputs.address_id,
        inputs.postcode,
        inputs.outward_code,
        coalesce(numbers.token, '') as number
    from inputs
    left join input_identifiers as numbers
        on
            inputs.address_id = numbers.address_id
            and {{ full_match('numbers.token', '[0-9]+(-[0-9]+)?') }}

),

gazetteer_numbers as (

    select distinct
        gazetteer.uprn,
        coalesce(numbers.typed_as, '') as number
    from gazetteer
    left join gazetteer_identifiers as numbers
        on
            gazetteer.uprn = numbers.uprn
            and {{ full_match('numbers.typed_as', '[0-9]+(-[0-9]+)?') }}

),

-- An input keys on its words the gazetteer knows that are either uncommon (in at most var
-- address_match_key_word_max_share of addresses) or its two rarest (in a small gazetteer every word is common), and on
-- its words the gazetteer does not know (typos: found by first letter and edit distance). Every key word the gazetteer
-- knows is at least as rare as every other typed word it knows.
input_keys as (

    select
        ranked_words.address_id,
        ranked_words.token,
        ranked_words.weight,
        ranked_words.weight is not null and ranked_words.rarity = 1 as is_rarest_known,
        input_numbers.number,
        input_numbers.postcode,
        input_numbers.outward_code
    from (
        select
            input_words.*,
            row_number() over (
                partition by input_words.address_id order by input_words.share asc, input_words.token asc
            ) as rarity
        from input_words
    ) as ranked_words
    inner join input_numbers
        on ranked_words.address_id = input_numbers.address_id
    where ranked_words.weight is null or ranked_words.share <= {{ key_share }} or ranked_words.rarity <= 2

),

-- The number typed right after a unit word (FLAT 4, 1 MAYOLA GROVE; 1 FLAT 4): the flat's, not the building's. The
-- gazetteer's flats are written the same way, so FLAT 1, 4 MAYOLA GROVE is told apart from FLAT 4, 1 MAYOLA GROVE.
unit_words as (

    select distinct typed
    from {{ ref('address_vocabulary') }}
    where role = 'unit'

),

input_unit_numbers as (

    select distinct
        input_identifiers.address_id,
        input_identifiers.token
    from input_identifiers
    inner join inputs
        on input_identifiers.address_id = inputs.address_id
    inner join unit_words
        on {{ dbt.position(dbt.concat(["' '", 'unit_words.typed', "' '", 'input_identifiers.token', "' '"]),
                           dbt.concat(["' '", 'inputs.address_clean', "' '"])) }} > 0
    where {{ full_match('input_identifiers.token', '[0-9]+') }}

),

gazetteer_unit_numbers as (

    select distinct
        gazetteer_tokens.uprn,
        gazetteer_tokens.token
    from gazetteer_tokens
    inner join {{ ref('int_housing__gazetteer_addresses') }} as gazetteer_text
        on gazetteer_tokens.uprn = gazetteer_text.address_id
    inner join unit_words
        on {{ dbt.position(dbt.concat(["' '", 'unit_words.typed', "' '", 'gazetteer_tokens.token', "' '"]),
                           dbt.concat(["' '", 'gazetteer_text.address_clean', "' '"])) }} > 0
    where
        gazetteer_text.parent_uprn is not null
        and gazetteer_tokens.token_kind = 'identifier'
        and {{ full_match('gazetteer_tokens.token', '[0-9]+') }}

),

-- Flats of a named building (FLAT 2, GORE HALL, 12 BLURTON ROW): a flat with a word at most half of the buildings of
-- its street have. Typed with its name, a flat like this loses little when its building's number is left out.
street_word_buildings as (

    select
        gazetteer.usrn,
        gazetteer_tokens.token,
        count(distinct coalesce(gazetteer.parent_uprn, gazetteer.uprn)) as buildings
    from gazetteer_tokens
    inner join gazetteer
        on gazetteer_tokens.uprn = gazetteer.uprn
    where gazetteer_tokens.token_kind = 'word'
    group by gazetteer.usrn, gazetteer_tokens.token

),

street_buildings as (

    select
        usrn,
        count(distinct coalesce(parent_uprn, uprn)) as buildings
    from gazetteer
    group by usrn

),

named_building_units as (

    select distinct gazetteer.uprn
    from gazetteer
    inner join gazetteer_tokens
        on gazetteer.uprn = gazetteer_tokens.uprn and gazetteer_tokens.token_kind = 'word'
    inner join street_word_buildings
        on gazetteer.usrn = street_word_buildings.usrn and gazetteer_tokens.token = street_word_buildings.token
    inner join street_buildings
        on gazetteer.usrn = street_buildings.usrn
    where gazetteer.parent_uprn is not null and 2 * street_word_buildings.buildings <= street_buildings.buildings

),

-- Units of a building with a name and no street number (FLAT 15, FENWICK TOWER, WEALD WALK): a typist often adds a
-- number to it (the building's on another record, a neighbour's), so one typed number they lack does not refuse them.
unnumbered_building_units as (

    select gazetteer.uprn
    from gazetteer
    inner join gazetteer_numbers as building_numbers
        on gazetteer.parent_uprn = building_numbers.uprn
    group by gazetteer.uprn
    having max(building_numbers.number) = ''

),

-- What an address's words weigh together (the denominator of its coverage), and, per word, what its words at most as
-- rare weigh: a word is heavy when those weigh at least var address_match_min_coverage of the whole (at var
-- address_match_min_coverage_identified: heavy for the identified exception). An address outside the typed postcode
-- with less than that share of its words typed cannot be accepted, and a typed share that large includes a heavy word.
gazetteer_weights as (

    select
        uprn,
        sum(weight) as candidate_weight
    from gazetteer_words
    group by uprn

),

gazetteer_heavy_words as (

    select
        uprn,
        token,
        lighter_weight >= ({{ min_coverage }} - 0.000001) * candidate_weight as is_heavy,
        lighter_weight >= ({{ min_coverage_identified }} - 0.000001) * candidate_weight as is_heavy_identified
    from (
        select
            uprn,
            token,
            sum(weight) over (
                partition by uprn order by weight asc range between unbounded preceding and current row
            ) as lighter_weight,
            sum(weight) over (partition by uprn) as candidate_weight
        from gazetteer_words
    ) as cumulated

),

gazetteer_keys as (

    select
        gazetteer_words.uprn,
        gazetteer_words.token,
        gazetteer_numbers.number,
        gazetteer.postcode,
        gazetteer.outward_code,
        gazetteer_heavy_words.is_heavy,
        gazetteer_heavy_words.is_heavy_identified
    from gazetteer_words
    inner join gazetteer_numbers
        on gazetteer_words.uprn = gazetteer_numbers.uprn
    inner join gazetteer_heavy_words
        on gazetteer_words.uprn = gazetteer_heavy_words.uprn and gazetteer_words.token = gazetteer_heavy_words.token
    inner join gazetteer
        on gazetteer_words.uprn = gazetteer.uprn

),

-- Candidates found by each key in var address_match_candidate_keys (macros/housing/address_matching.sql).
candidates as (

    {{ address_candidates(candidate_keys) }}

),

pairs as (

    select
        candidates.address_id,
        candidates.uprn
    from candidates
    inner join inputs
        on candidates.address_id = inputs.address_id
    inner join gazetteer
        on candidates.uprn = gazetteer.uprn
    where inputs.shells_allowed or gazetteer.blpu_class not like 'P%'

),

-- How each pair's identifiers and the typed ones disagree (macros/housing/address_matching.sql,
-- address_pair_identifiers), on every pair the keys found.
pair_identifiers as (

    {{ address_pair_identifiers('pairs') }}

),

-- The pairs that could be accepted, or compete as a flat whose letter or floor was not typed (below: acceptable), by
-- their identifiers alone: words are compared for these only.
viable_pairs as (

    select
        address_id,
        uprn
    from pair_identifiers
    where
        places_not_found = 0
        and (
            (
                missing_unit_identifiers = 0
                and ((extra_numbers = 0 and missing_numbers <= 1) or (extra_numbers = 1 and missing_numbers = 0))
            )
            or (missing_unit_identifiers > 0 and extra_numbers = 0 and missing_numbers = 0 and extra_others = 0)
        )

),

-- A flat whose number is not the one typed after FLAT: the flat and building numbers were typed the other way round.
unit_numbers_swapped as (

    select
        viable_pairs.address_id,
        viable_pairs.uprn
    from viable_pairs
    left join (
        select distinct
            hit_pairs.address_id,
            hit_pairs.uprn
        from viable_pairs as hit_pairs
        inner join input_unit_numbers
            on hit_pairs.address_id = input_unit_numbers.address_id
        inner join gazetteer_unit_numbers
            on
                {{ pair_word_key('gazetteer_unit_numbers.uprn', 'gazetteer_unit_numbers.token') }}
                = {{ pair_word_key('hit_pairs.uprn', 'input_unit_numbers.token') }}
    ) as same_unit_number
        on viable_pairs.address_id = same_unit_number.address_id and viable_pairs.uprn = same_unit_number.uprn
    where
        same_unit_number.uprn is null
        and viable_pairs.address_id in (select input_unit_numbers.address_id from input_unit_numbers)
        and viable_pairs.uprn in (select gazetteer_unit_numbers.uprn from gazetteer_unit_numbers)

),

-- A candidate whose own number was typed after FLAT (FLAT 1, 25 VERULAM SQUARE for 1 VERULAM SQUARE): that number is
-- a flat's, so this is not a house with a flat's number added.
own_number_typed_as_unit as (

    select distinct
        viable_pairs.address_id,
        viable_pairs.uprn
    from viable_pairs
    inner join input_unit_numbers
        on viable_pairs.address_id = input_unit_numbers.address_id
    inner join gazetteer_identifiers
        on
            {{ pair_word_key('gazetteer_identifiers.uprn', 'gazetteer_identifiers.typed_as') }}
            = {{ pair_word_key('viable_pairs.uprn', 'input_unit_numbers.token') }}

),

-- How much of each candidate's words were typed and how much of what was typed it explains
-- (macros/housing/address_matching.sql, address_pair_words).
pair_words as (

    {{ address_pair_words('viable_pairs') }}

),

input_weights as (

    select
        inputs.address_id,
        coalesce(sum(input_words.weight), 0) as input_weight,
        count(input_words.weight) as known_words
    from inputs
    left join input_words
        on inputs.address_id = input_words.address_id
    group by inputs.address_id

),

scored_pairs as (

    select
        viable_pairs.address_id,
        viable_pairs.uprn,
        pair_identifiers.missing_numbers,
        pair_identifiers.missing_unit_identifiers + pair_identifiers.places_not_found as missing_others,
        pair_identifiers.missing_unit_identifiers,
        pair_identifiers.own_identifiers,
        gazetteer.blpu_class,
        gazetteer.has_units,
        unit_numbers_swapped.uprn is not null as is_unit_number_swapped,
        own_number_typed_as_unit.uprn is not null as is_own_number_typed_as_unit,
        viable_pairs.uprn in (select named_building_units.uprn from named_building_units) as is_in_named_building,
        inputs.address_id in (
            select input_tokens.address_id from input_tokens
            where input_tokens.token_kind = 'unit' or input_tokens.token in ({{ floors }})
        )
        and viable_pairs.uprn not in (
            select gazetteer_tokens.uprn from gazetteer_tokens
            where gazetteer_tokens.token_kind = 'unit' or gazetteer_tokens.token in ({{ floors }})
        ) as is_unit_typed_not_a_unit,
        viable_pairs.uprn in (
            select gazetteer_tokens.uprn from gazetteer_tokens
            where gazetteer_tokens.token_kind = 'unit' or gazetteer_tokens.token in ({{ floors }})
        ) as is_a_unit,
        inputs.address_id in (
            select input_tokens.address_id from input_tokens
            where input_tokens.token_kind = 'unit' or input_tokens.token in ({{ floors }})
        ) as is_unit_typed,
        pair_identifiers.extra_numbers,
        viable_pairs.uprn in (
            select unnumbered_building_units.uprn from unnumbered_building_units
        ) as is_in_unnumbered_building,
        pair_identifiers.extra_others,
        coalesce(pair_words.covered_weight, 0) / greatest(gazetteer_weights.candidate_weight, 0.001) as coverage,
        case
            when input_weights.known_words = 0 then 1.0
            else coalesce(pair_words.explained_weight, 0) / input_weights.input_weight
        end as explained,
        coalesce(pair_words.fuzzy_words, 0) as fuzzy_words,
        case
            when inputs.postcode = gazetteer.postcode then 'same postcode'
            when inputs.postcode is null then 'no postcode typed'
            when inputs.outward_code = gazetteer.outward_code then 'same outward code'
            when inputs.postcode not in (select known_postcodes.postcode from known_postcodes)
                then 'a postcode not in the gazetteer'
            else 'another postcode'
        end as postcode_agreement,
        -- A repair typed at a building with units names a unit unless it names the common parts; the housing
        -- system's own records name a block as a block.
        gazetteer.has_units and inputs.input_kind = 'repair' and inputs.address_id not in (
            select input_tokens.address_id from input_tokens
            where input_tokens.token_kind = 'communal'
        ) as is_building_not_its_unit
    from viable_pairs
    inner join inputs
        on viable_pairs.address_id = inputs.address_id
    inner join gazetteer
        on viable_pairs.uprn = gazetteer.uprn
    inner join gazetteer_weights
        on viable_pairs.uprn = gazetteer_weights.uprn
    inner join input_weights
        on viable_pairs.address_id = input_weights.address_id
    left join pair_words
        on viable_pairs.address_id = pair_words.address_id and viable_pairs.uprn = pair_words.uprn
    inner join pair_identifiers
        on viable_pairs.address_id = pair_identifiers.address_id and viable_pairs.uprn = pair_identifiers.uprn
    left join unit_numbers_swapped
        on viable_pairs.address_id = unit_numbers_swapped.address_id and viable_pairs.uprn = unit_numbers_swapped.uprn
    left join own_number_typed_as_unit
        on viable_pairs.address_id = own_number_typed_as_unit.address_id and viable_pairs.uprn = own_number_typed_as_unit.uprn

),

-- A flat letter or number typed on a house that has no flats (FLAT B, 13 BOLEYN AVENUE): the house, when it is
-- otherwise exactly what was typed. A flat the LLPG has not caught up with is one of a building that has flats.
scored as (

    select
        scored_pairs.*,
        (
            not scored_pairs.is_a_unit and not scored_pairs.has_units and scored_pairs.is_unit_typed
            and scored_pairs.missing_numbers = 0 and scored_pairs.missing_others = 0
            and scored_pairs.extra_numbers + scored_pairs.extra_others = 1
            and not scored_pairs.is_own_number_typed_as_unit
            and scored_pairs.explained >= 0.999 and scored_pairs.coverage >= {{ min_coverage_number_added }}
        ) as is_unit_added_to_house
    from scored_pairs

),

-- A candidate lacking a typed number is refused (it is another address), and so is one with a letter or floor, or
-- more than one number, of its own not typed; one number of its own not typed (a block's street number) costs 15,
-- each typed letter or floor it lacks 10, and a unit typed (FLAT, a floor) where it is not a unit 25. Classes in var
-- address_match_named_only_classes (commercial) are matched only when every word of theirs is typed (their name).
judged as (

    select
        scored.*,
        round(
            100.0 * (
                0.45 * scored.coverage
                + 0.30 * scored.explained
                + 0.25 * case scored.postcode_agreement
                    when 'same postcode' then 1.0
                    when 'no postcode typed' then 0.6
                    when 'same outward code' then 0.5
                    when 'a postcode not in the gazetteer' then 0.4
                    else 0.0
                end
            )
            - 10.0 * scored.extra_others
            - case
                when
                    scored.missing_numbers = 1 and scored.is_in_named_building
                    and scored.coverage >= 0.999 and scored.explained >= 0.999
                    then {{ block_number_dropped_penalty }}
                else 15.0 * scored.missing_numbers
            end
            - 10.0 * scored.extra_numbers
            - case when scored.is_unit_number_swapped then 10.0 else 0.0 end
            - case when scored.is_unit_typed_not_a_unit and not scored.is_unit_added_to_house then 25.0 else 0.0 end,
            1
        ) as formula_score,
        -- Every identifier agrees (a flat and its building's number, say): the street or block name may be left out,
        -- in the typed postcode (or, with no postcode or the outward code only, with some of its words typed).
        (
            (scored.own_identifiers >= 2 or (scored.own_identifiers = 1 and scored.is_a_unit and scored.is_unit_typed))
            and scored.missing_numbers = 0 and scored.missing_others = 0
            and scored.extra_numbers = 0 and scored.extra_others = 0
            and not scored.is_unit_typed_not_a_unit
            and not scored.is_unit_number_swapped
            and (
                (scored.postcode_agreement = 'same postcode' and (scored.own_identifiers >= 2 or scored.explained >= 0.999))
                or (
                    scored.explained >= 0.999
                    and scored.postcode_agreement in ('no postcode typed', 'same outward code')
                    and scored.coverage >= {{ min_coverage_identified }}
                )
            )
        ) as is_identified,
        -- A flat whose only identifier left out is its letter or floor: the text names its building and not which
        -- unit, so the flat competes with every other candidate though it cannot be chosen.
        (
            scored.is_a_unit
            and scored.missing_unit_identifiers > 0
            and scored.missing_others = scored.missing_unit_identifiers
            and scored.missing_numbers = 0 and scored.extra_numbers = 0 and scored.extra_others = 0
        ) as is_unit_unsaid,
        (
            scored.coverage >= {{ min_coverage }}
            or (scored.postcode_agreement = 'same postcode' and scored.coverage >= {{ min_coverage_same_postcode }})
        )
        {%- for prefix in named_only %}
            and (scored.blpu_class not like '{{ prefix }}%' or scored.coverage >= 0.999)
        {%- endfor %} as is_enough_typed
    from scored

),

acceptable as (

    select
        judged.*,
        case
            when judged.is_identified and judged.postcode_agreement = 'same postcode'
                then greatest(judged.formula_score, {{ identified_score }} + {{ identified_postcode_bonus }})
            when judged.is_identified then greatest(judged.formula_score, {{ identified_score }})
            else judged.formula_score
        end as score,
        true as can_win
    from judged
    where
        not judged.is_building_not_its_unit
        and (
            judged.is_identified
            or (judged.is_unit_added_to_house and judged.is_enough_typed)
            or (
                judged.is_enough_typed
                and not judged.is_unit_number_swapped
                and judged.missing_others = 0
                and judged.missing_numbers <= 1
                and (
                    judged.extra_numbers = 0
                    or (
                        judged.extra_numbers = 1 and judged.is_in_unnumbered_building
                        and judged.missing_numbers = 0 and judged.own_identifiers >= 1
                        and judged.explained >= 0.999 and judged.coverage >= {{ min_coverage_number_added }}
                    )
                )
            )
        )
    union all
    select
        judged.*,
        judged.formula_score as score,
        false as can_win
    from judged
    where judged.is_unit_unsaid and judged.is_enough_typed and {{ var('address_match_units_compete', true) }}

),

ranked as (

    select
        acceptable.*,
        row_number() over (
            partition by acceptable.address_id
            order by acceptable.score desc, acceptable.can_win desc, acceptable.uprn asc
        ) as place,
        count(*) over (partition by acceptable.address_id) as acceptable_candidates
    from acceptable

),

best as (

    select *
    from ranked
    where place = 1

),

runner_up as (

    select *
    from ranked
    where place = 2

),

close_calls as (

    select
        ranked.address_id,
        count(*) as within_margin
    from ranked
    inner join best
        on ranked.address_id = best.address_id
    where best.score - ranked.score < {{ min_margin }}
    group by ranked.address_id

),

-- An input with no acceptable candidate says why, counting every candidate its keys find (the pairs dropped before
-- scoring included): found again for these inputs alone, their identifiers and words compared as above.
refused_inputs as (

    select inputs.*
    from inputs
    where inputs.address_clean <> '' and inputs.address_id not in (select best.address_id from best)

),

refused_input_keys as (

    select input_keys.*
    from input_keys
    where input_keys.address_id in (select refused_inputs.address_id from refused_inputs)

),

every_candidate as (

    {{ address_candidates(candidate_keys, 'refused_inputs', 'refused_input_keys', every=true) }}

),

every_pair as (

    select
        every_candidate.address_id,
        every_candidate.uprn
    from every_candidate
    inner join refused_inputs
        on every_candidate.address_id = refused_inputs.address_id
    inner join gazetteer
        on every_candidate.uprn = gazetteer.uprn
    inner join gazetteer_weights
        on every_candidate.uprn = gazetteer_weights.uprn
    where refused_inputs.shells_allowed or gazetteer.blpu_class not like 'P%'

),

every_pair_identifiers as (

    {{ address_pair_identifiers('every_pair') }}

),

every_pair_words as (

    {{ address_pair_words('every_pair') }}

),

refused as (

    select
        every_pair_identifiers.address_id,
        count(*) as candidates,
        sum(case
            when
                every_pair_identifiers.missing_numbers > 1 or every_pair_identifiers.extra_numbers > 0
                or every_pair_identifiers.missing_unit_identifiers + every_pair_identifiers.places_not_found > 0
                then 1
            else 0
        end) as lacking_identifiers,
        sum(case
            when
                coalesce(every_pair_words.covered_weight, 0) / greatest(gazetteer_weights.candidate_weight, 0.001)
                < {{ min_coverage }}
                then 1
            else 0
        end) as too_few_words
    from every_pair_identifiers
    inner join gazetteer_weights
        on every_pair_identifiers.uprn = gazetteer_weights.uprn
    left join every_pair_words
        on
            every_pair_identifiers.address_id = every_pair_words.address_id
            and every_pair_identifiers.uprn = every_pair_words.uprn
    group by every_pair_identifiers.address_id

),

decided as (

    select
        inputs.*,
        coalesce(input_signatures.identifiers, '') as identifiers,
        best.uprn as candidate_uprn,
        best.score as candidate_score,
        best.postcode_agreement,
        best.fuzzy_words,
        best.coverage,
        best.explained,
        best.extra_others,
        best.can_win as candidate_can_win,
        runner_up.uprn as runner_up_uprn,
        runner_up.score as runner_up_score,
        coalesce(close_calls.within_margin, 0) as within_margin,
        refused.candidates,
        refused.lacking_identifiers,
        refused.too_few_words,
        best.uprn is not null
        and best.can_win
        and best.score >= {{ min_score }}
        and (runner_up.uprn is null or best.score - runner_up.score >= {{ min_margin }}) as is_accepted
    from inputs
    left join input_signatures
        on inputs.address_id = input_signatures.address_id
    left join best
        on inputs.address_id = best.address_id
    left join runner_up
        on inputs.address_id = runner_up.address_id
    left join close_calls
        on inputs.address_id = close_calls.address_id
    left join refused
        on inputs.address_id = refused.address_id

),

matched as (

    select
        match_key,
        identifiers,
        case when is_accepted then candidate_uprn end as uprn,
        case
            when
                is_accepted and postcode_agreement = 'same postcode' and fuzzy_words = 0 and coverage >= 0.999
                and explained >= 0.999 and extra_others = 0
                then 'address_exact'
            when is_accepted then 'address_fuzzy'
            else 'unmatched'
        end as match_method,
        case when is_accepted then candidate_score end as match_score,
        candidate_uprn,
        candidate_score,
        runner_up_uprn,
        runner_up_score,
        coalesce(not is_accepted and candidate_score >= {{ min_score }}, false) as is_ambiguous,
        case
            when is_accepted
                then
                {{ dbt.concat([
                    'postcode_agreement', "'; '",
                    dbt.safe_cast('fuzzy_words', dbt.type_string()), "' word(s) typed with errors; '",
                    dbt.safe_cast('round(100 * coverage, 0)', dbt.type_string()), "'% of its words typed'",
                    "case when runner_up_uprn is not null then " ~ dbt.concat(["'; runner-up '",
                        dbt.safe_cast('runner_up_uprn', dbt.type_string()), "' scored '",
                        dbt.safe_cast('runner_up_score', dbt.type_string())]) ~ " else '' end"]) }}
            when candidate_score >= {{ min_score }} and not candidate_can_win
                then
                {{ dbt.concat(["'ambiguous: the text names '", dbt.safe_cast('candidate_uprn', dbt.type_string()),
                               "' (scored '", dbt.safe_cast('candidate_score', dbt.type_string()),
                               "') but not which of its flats, or which floor: left unmatched rather than guess'"]) }}
            when candidate_score >= {{ min_score }}
                then
                {{ dbt.concat(["'ambiguous: '", dbt.safe_cast('within_margin', dbt.type_string()),
                               "' gazetteer addresses within '", "'" ~ min_margin ~ "'",
                               "' points of the best ('", dbt.safe_cast('candidate_uprn', dbt.type_string()),
                               "' scored '", dbt.safe_cast('candidate_score', dbt.type_string()),
                               "', runner-up '", dbt.safe_cast('runner_up_uprn', dbt.type_string()),
                               "' scored '", dbt.safe_cast('runner_up_score', dbt.type_string()),
                               "'): left unmatched rather than guess'"]) }}
            when candidate_uprn is not null
                then
                {{ dbt.concat(["'best candidate '", dbt.safe_cast('candidate_uprn', dbt.type_string()),
                               "' scored '", dbt.safe_cast('candidate_score', dbt.type_string()),
                               "', below the minimum of '", "'" ~ min_score ~ "'"]) }}
            when address_clean = '' then 'no address typed'
            when candidates is null then 'no gazetteer address shares the postcode, or a number and a word'
            else {{ dbt.concat(["'no acceptable candidate: of '", dbt.safe_cast('candidates', dbt.type_string()),
                                "', '", dbt.safe_cast('lacking_identifiers', dbt.type_string()),
                                "' disagree on a flat or house number, '",
                                dbt.safe_cast('too_few_words', dbt.type_string()),
                                "' have too few of their words typed'"]) }}
        end as match_reason,
        case when not is_accepted and within_margin > 1 then within_margin else 0 end as tied_candidates
    from decided

),

results as (

    select * from matched
    {%- if is_incremental() %}
    union all
    select * from stored_results
    {%- endif %}

)

select
    to_place.address_input_id,
    to_place.input_id,
    to_place.input_kind,
    to_place.contractor,
    to_place.address_clean,
    to_place.postcode,
    {%- for column in result_columns %}
        results.{{ column }},
    {%- endfor %}
    to_place.match_key,
    to_place.matcher_version,
    cast(current_timestamp as {{ dbt.type_timestamp() }}) as matched_at
from to_place
inner join results
    on to_place.match_key = results.match_key
