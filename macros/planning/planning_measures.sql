{#- Planning definitions used by more than one planning model or test, each written once. -#}

{% macro council_report_week(date_expression) %}
    {#-
        The council's reporting week (its trusted applications job: date_sub(d, dayofweek(d) - 2) with Sunday = 1):
        the Monday labelling a Sunday-to-Saturday week, so a Sunday belongs to the FOLLOWING Monday's week.
    -#}
    cast(
        {{ dbt.dateadd(
            'day',
            'case when ' ~ iso_day_of_week(date_expression) ~ ' = 7 then 1 else 1 - ' ~ iso_day_of_week(date_expression) ~ ' end',
            date_expression,
        ) }} as date
    )
{%- endmacro %}


{% macro london_clock_change_hour(timestamp_expression) %}
    {#-
        Whether a London wall-clock time falls in the hour a clock change disturbs (UK rule since 1996: the last Sunday
        of March and of October, 01:00 UTC): 'skipped' for 01:00-01:59 on the last Sunday of March (that time never
        existed: clocks went from 01:00 GMT to 02:00 BST), 'repeated' for 01:00-01:59 on the last Sunday of October
        (it happened twice: BST, then GMT, so two such times cannot be ordered); null otherwise.
        The last Sunday of a 31-day month is the Sunday on day 25 or later.
    -#}
    case
        when extract(hour from {{ timestamp_expression }}) = 1
            and extract(day from {{ timestamp_expression }}) >= 25
            and {{ iso_day_of_week('cast(' ~ timestamp_expression ~ ' as date)') }} = 7
            then
                case extract(month from {{ timestamp_expression }})
                    when 3 then 'skipped'
                    when 10 then 'repeated'
                end
    end
{%- endmacro %}


{% macro import_log_complete_through(import_step, import_date) %}
    {#-
        The last vendor day an import-log row proves complete: a daily series for day D covers D; a full pull on
        import day D covers up to D - 1 (the vendor's records of the import day itself are left out as partial); a
        lookup pull on import day D likewise reflects the vendor's lookups up to D - 1.
    -#}
    case
        when {{ import_step }} in ('full', 'lookups')
            then cast({{ dbt.dateadd('day', -1, dbt.safe_cast(import_date, 'date')) }} as date)
        else {{ dbt.safe_cast(import_step, 'date') }}
    end
{%- endmacro %}


{% macro build_started_at() %}
    {#- When this dbt invocation started (UTC): the same value in every model of one build. -#}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
