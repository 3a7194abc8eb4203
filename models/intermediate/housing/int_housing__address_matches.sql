-- Every address to match (int_housing__address_inputs) matched to at most one UPRN of the current gazetteer, with the
-- method, a score (0-100) and, when unmatched, the reason. The rules are in macros/housing/address_matching.sql:
-- candidates share the identifier set (numbers, flat letters, floors) and the postcode or a word; every typed word
-- must be in the candidate (exactly, or within two edits for words of five letters or more); the score weighs typing
-- errors, how many of the candidate's own words were typed, and postcode agreement. The best score wins; a tie between
-- different UPRNs is left unmatched, so an input never gets two UPRNs.
{%- set min_score = var('address_match_min_score', 60) %}
{%- set common = address_common_words() %}
with inputs as (

    {{ address_features(ref('int_housing__address_inputs'), 'address_input_id', 'address_text', 'postcode',
                        extra_columns=['input_id', 'input_kind', 'contractor', 'shells_allowed']) }}

),

input_words as (

    {{ address_words(ref('int_housing__address_inputs'), 'address_input_id', 'address_text') }}

),

gazetteer as (

    select
        address_id as uprn,
        postcode,
        outward_code,
        identifiers,
        word_count,
        blpu_class,
        single_line
    from {{ ref('int_housing__gazetteer_addresses') }}

),

gazetteer_words as (

    select
        address_id as uprn,
        word
    from {{ ref('int_housing__gazetteer_words') }}

),

-- Round 1 candidates: the same identifiers and the same postcode, or a shared uncommon word.
by_postcode as (

    select
        inputs.address_id,
        gazetteer.uprn
    from inputs
    inner join gazetteer
        on
            inputs.postcode = gazetteer.postcode
            and inputs.identifiers = gazetteer.identifiers

),

-- Words are joined together with the identifier set, so a common street name never fans out to every address on
-- every street of that name before the numbers are compared.
input_keys as (

    select
        input_words.address_id,
        input_words.word,
        inputs.identifiers
    from input_words
    inner join inputs
        on input_words.address_id = inputs.address_id
    where input_words.word not in ('{{ common | join("', '") }}')

),

gazetteer_keys as (

    select
        gazetteer_words.uprn,
        gazetteer_words.word,
        substr(gazetteer_words.word, 1, 1) as initial,
        gazetteer.identifiers,
        gazetteer.outward_code
    from gazetteer_words
    inner join gazetteer
        on gazetteer_words.uprn = gazetteer.uprn
    where gazetteer_words.word not in ('{{ common | join("', '") }}')

),

by_word as (

    select distinct
        input_keys.address_id,
        gazetteer_keys.uprn
    from input_keys
    inner join gazetteer_keys
        on
            input_keys.word = gazetteer_keys.word
            and input_keys.identifiers = gazetteer_keys.identifiers

),

first_round as (

    select
        address_id,
        uprn
    from by_postcode
    union
    select
        address_id,
        uprn
    from by_word

),

{{ address_pair_scores('first_round', 'first_scored') }},

-- Round 2, only for inputs round 1 left without an acceptable candidate (a typo in their only uncommon word and no
-- usable postcode): the same identifiers, the same outward code (or no postcode typed), and a word starting with the
-- same letter and of a similar length.
unresolved as (

    select inputs.*
    from inputs
    where
        inputs.word_count > 0
        and inputs.address_id not in (
            select first_scored.address_id from first_scored
            where first_scored.is_acceptable
        )

),

second_round as (

    select distinct
        input_keys.address_id,
        gazetteer_keys.uprn
    from unresolved
    inner join input_keys
        on unresolved.address_id = input_keys.address_id
    inner join gazetteer_keys
        on
            input_keys.identifiers = gazetteer_keys.identifiers
            and substr(input_keys.word, 1, 1) = gazetteer_keys.initial
    where
        (unresolved.outward_code is null or unresolved.outward_code = gazetteer_keys.outward_code)
        and length(input_keys.word) >= 4
        and abs(length(input_keys.word) - length(gazetteer_keys.word)) <= 2

),

{{ address_pair_scores('second_round', 'second_scored') }},

scored as (

    select * from first_scored
    union all
    select * from second_scored

),

acceptable as (

    select
        scored.*,
        rank() over (partition by scored.address_id order by scored.score desc) as score_rank
    from scored
    where scored.is_acceptable and scored.score >= {{ min_score }}

),

best as (

    select
        address_id,
        min(uprn) as uprn,
        count(*) as tied,
        max(score) as score,
        max(postcode_agreement) as postcode_agreement,
        max(fuzzy_words) as fuzzy_words,
        max(words_matched) as words_matched,
        max(candidate_words_covered) as candidate_words_covered,
        max(candidate_word_count) as candidate_word_count
    from acceptable
    where score_rank = 1
    group by address_id

),

near_misses as (

    select
        address_id,
        max(score) as best_rejected_score,
        count(*) as candidates
    from scored
    group by address_id

)

select
    inputs.address_id as address_input_id,
    inputs.input_id,
    inputs.input_kind,
    inputs.contractor,
    inputs.address_clean,
    inputs.postcode,
    inputs.identifiers,
    case when best.tied = 1 then best.uprn end as uprn,
    case
        when
            best.tied = 1 and best.fuzzy_words = 0 and best.postcode_agreement = 'same postcode'
            and best.candidate_words_covered = best.candidate_word_count then 'address_exact'
        when best.tied = 1 then 'address_fuzzy'
        else 'unmatched'
    end as match_method,
    case when best.tied = 1 then best.score end as match_score,
    case
        when best.tied = 1
            then
            {{ dbt.concat([
                'best.postcode_agreement', "'; '",
                dbt.safe_cast('best.fuzzy_words', dbt.type_string()), "' word(s) typed with errors; '",
                dbt.safe_cast('best.candidate_words_covered', dbt.type_string()), "' of '",
                dbt.safe_cast('best.candidate_word_count', dbt.type_string()), "' gazetteer words typed'"]) }}
        when best.tied > 1
            then
            {{ dbt.concat([dbt.safe_cast('best.tied', dbt.type_string()),
                           "' gazetteer addresses match equally well: left unmatched rather than guess'"]) }}
        when inputs.word_count = 0 and inputs.identifiers = '' then 'no address typed'
        when inputs.word_count = 0 then 'only numbers typed, no street or building'
        when near_misses.candidates is null then 'no gazetteer address has the same numbers and a shared word'
        else {{ dbt.concat(["'no candidate has every typed word (best of '",
                            dbt.safe_cast('near_misses.candidates', dbt.type_string()),
                            "' candidate(s) scored '",
                            dbt.safe_cast('near_misses.best_rejected_score', dbt.type_string()), "')'"]) }}
    end as match_reason,
    case when best.tied > 1 then best.tied else 0 end as tied_candidates
from inputs
left join best
    on inputs.address_id = best.address_id
left join near_misses
    on inputs.address_id = near_misses.address_id
