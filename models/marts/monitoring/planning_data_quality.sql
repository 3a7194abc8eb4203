-- Planning data the vendor holds that cannot be right, one row per problem and application (version): impossible
-- dates, a decision type without its issue date, an unknown development code, change times in a clock-change hour, and
-- versions only a refused (incomplete) series delivered.
-- Nothing here stops the build: each check is a warn-level test on this model (_monitoring__models.yml), and the
-- rows are listed here so the planning team can correct them in Tascomi. The checks are defined once, below.
{%- set current_checks = [
    {
        'name': 'received_date_missing',
        'condition': 'received_date is null',
        'detail': "'no received date'",
    },
    {
        'name': 'valid_before_received',
        'condition': 'cast(valid_date as date) < cast(received_date as date)',
        'detail': dbt.concat([
            "'valid '", "cast(cast(valid_date as date) as " ~ dbt.type_string() ~ ")",
            "' before received '", "cast(cast(received_date as date) as " ~ dbt.type_string() ~ ")",
        ]),
    },
    {
        'name': 'decided_before_valid',
        'condition': 'cast(decision_issued_date as date) < cast(valid_date as date)',
        'detail': dbt.concat([
            "'decided '", "cast(cast(decision_issued_date as date) as " ~ dbt.type_string() ~ ")",
            "' before valid '", "cast(cast(valid_date as date) as " ~ dbt.type_string() ~ ")",
        ]),
    },
    {
        'name': 'decision_type_without_issue_date',
        'condition': 'decision_type_id is not null and decision_issued_date is null',
        'detail': dbt.concat([
            "'decision type '", "cast(decision_type_id as " ~ dbt.type_string() ~ ")", "' has no issue date'",
        ]),
    },
    {
        'name': 'date_outside_calendar',
        'condition': date_outside_calendar(['received_date', 'valid_date', 'registration_date', 'decision_issued_date']),
        'detail': dbt.concat([
            "'a date outside the working-day calendar: received '", "coalesce(cast(cast(received_date as date) as " ~ dbt.type_string() ~ "), '-')",
            "', valid '", "coalesce(cast(cast(valid_date as date) as " ~ dbt.type_string() ~ "), '-')",
            "', registered '", "coalesce(cast(cast(registration_date as date) as " ~ dbt.type_string() ~ "), '-')",
            "', decided '", "coalesce(cast(cast(decision_issued_date as date) as " ~ dbt.type_string() ~ "), '-')",
        ]),
    },
    {
        'name': 'unknown_development_code',
        'condition': 'development_code_name is null',
        'detail': dbt.concat([
            "'ps_development_code_id '",
            "coalesce(cast(ps_development_code_id as " ~ dbt.type_string() ~ "), 'null')",
            "' is not in ps_development_codes: no expiry_days'",
        ]),
    },
] %}
{%- set version_checks = [
    {
        'name': 'change_time_in_repeated_hour',
        'condition': 'is_in_repeated_hour',
        'detail': dbt.concat([
            "'last_updated '", "cast(valid_from as " ~ dbt.type_string() ~ ")",
            "' happened twice (clocks went back): its order against another change that hour is unknown'",
        ]),
    },
    {
        'name': 'version_rests_on_incomplete_series',
        'condition': 'rests_on_incomplete_series',
        'detail': dbt.concat([
            "'the version from '", "cast(valid_from as " ~ dbt.type_string() ~ ")",
            "' arrived only in a series that did not reconcile with the vendor''s count: no complete series vouches for it'",
        ]),
    },
    {
        'name': 'change_time_in_skipped_hour',
        'condition': 'is_in_skipped_hour',
        'detail': dbt.concat([
            "'last_updated '", "cast(valid_from as " ~ dbt.type_string() ~ ")",
            "' never existed in London (clocks went forward)'",
        ]),
    },
] %}
with applications as (

    select
        application_id,
        application_reference_number,
        version_valid_from as valid_from,
        received_date,
        valid_date,
        registration_date,
        decision_issued_date,
        decision_type_id,
        ps_development_code_id,
        development_code_name,
        data_as_of_date,
        built_at
    from {{ ref('planning_applications') }}

),

versions as (

    select
        application_id,
        application_reference_number,
        valid_from,
        is_in_repeated_hour,
        is_in_skipped_hour,
        rests_on_incomplete_series,
        data_as_of_date,
        built_at
    from {{ ref('planning_applications_history') }}

),

problems as (

    {%- for check in current_checks %}
        select
            '{{ check.name }}' as check_name,
            'applications' as checked_table,
            application_id,
            application_reference_number,
            valid_from,
            {{ check.detail }} as detail,
            data_as_of_date,
            built_at
        from applications
        where {{ check.condition }}
        union all
    {%- endfor %}
    {%- for check in version_checks %}
        select
            '{{ check.name }}' as check_name,
            'applications_history' as checked_table,
            application_id,
            application_reference_number,
            valid_from,
            {{ check.detail }} as detail,
            data_as_of_date,
            built_at
        from versions
        where {{ check.condition }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select
    check_name,
    checked_table,
    application_id,
    application_reference_number,
    valid_from,
    detail,
    data_as_of_date,
    built_at
from problems
