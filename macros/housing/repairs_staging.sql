{#-
    The contractors' repair logs typed onto one vocabulary (see "Typing the contractors onto one vocabulary" in
    docs/platform-team/housing-ingestion.md).

    Each hand-written models/staging/repairs/stg_repairs__<contractor>.sql calls contractor_responses() with its own
    mapping from the vocabulary to the normalised headers of its raw table, so every contractor's mapping is written
    out once, where a unit test pins it (the borough's cleaners lost fields to silent rename bugs).

    fields: {vocabulary name: raw column, or a list of raw columns read in order (a header renamed over time)}.
            A vocabulary field a contractor does not have is null. `contact_information` (phone and name in one free
            text) fills phone_1 and name_full when the contractor has no separate columns for them.
-#}

{% macro repairs_vocabulary() %}
    {#- [name, type, classification] of every column a contractor staging model has, in order. -#}
    {{ return([
        ['datetime_raised', 'timestamp', 'not_personal'],
        ['email_staff', 'text', 'personal'],
        ['name_full', 'text', 'personal'],
        ['phone_1', 'text', 'personal'],
        ['phone_2', 'text', 'personal'],
        ['phone_3', 'text', 'personal'],
        ['property_address', 'text', 'not_personal'],
        ['postal_code_raw', 'text', 'not_personal'],
        ['property_reference_uh', 'text', 'not_personal'],
        ['description_of_work', 'text', 'not_personal'],
        ['trade_description', 'text', 'not_personal'],
        ['work_priority_description', 'text', 'not_personal'],
        ['work_priority_priority_code', 'integer', 'not_personal'],
        ['sor', 'text', 'not_personal'],
        ['order_value', 'double', 'not_personal'],
        ['completed_date', 'date', 'not_personal'],
        ['operative', 'text', 'personal'],
        ['recharge', 'text', 'not_personal'],
        ['form_ref', 'text', 'not_personal'],
        ['vulnerability_flag', 'text', 'special_category'],
        ['vulnerability_notes', 'text', 'special_category'],
        ['alert_regarding_person', 'text', 'personal'],
        ['alert_regarding_person_notes', 'text', 'special_category'],
        ['order_status_notes', 'text', 'not_personal'],
        ['datetime_raised_text', 'text', 'not_personal'],
        ['sor_text', 'text', 'not_personal'],
        ['order_value_text', 'text', 'not_personal'],
        ['completed_date_text', 'text', 'not_personal'],
    ]) }}
{% endmacro %}


{% macro repairs_contractors() %}
    {#- The contractors whose responses make the repairs change log (raw tables <contractor>_responses). -#}
    {{ return(['dlo', 'herts_heritage', 'avonline', 'alphatrack', 'stannah', 'purdy', 'axis']) }}
{% endmacro %}


{% macro repairs_history_columns() %}
    {#- The columns a repair's history tracks (every vocabulary column, with its identity). -#}
    {%- set names = ['repair_id', 'contractor', 'data_source', 'response_key'] -%}
    {%- for name, type, classification in repairs_vocabulary() -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names + ['seen_on']) }}
{% endmacro %}


{% macro contractor_responses(contractor, data_source, fields) %}
    {%- set mask = should_mask_personal() -%}
    {%- set table_name = contractor ~ '_responses' -%}
    {%- set text = {} -%}
    {%- for name, raw in fields.items() -%}
        {%- set columns = raw if raw is not string else [raw] -%}
        {%- set quoted = [] -%}
        {%- for column in columns -%}
            {%- do quoted.append('nullif(trim(received.' ~ adapter.quote(column) ~ "), '')") -%}
        {%- endfor -%}
        {%- do text.update({name: quoted[0] if quoted | length == 1 else 'coalesce(' ~ (quoted | join(', ')) ~ ')'}) -%}
    {%- endfor -%}
    {%- if 'contact_information' in text -%}
        {%- if 'phone_1' not in text -%}{%- do text.update({'phone_1': contact_phone(text['contact_information'])}) -%}{%- endif -%}
        {%- if 'name_full' not in text -%}{%- do text.update({'name_full': contact_name(text['contact_information'])}) -%}{%- endif -%}
    {%- endif -%}
    {%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set raised = text.get('datetime_raised', null_text) -%}
    {%- set priority = text.get('work_priority_description', null_text) -%}
    {%- set sor = text.get('sor', null_text) -%}
    {%- set value = text.get('order_value', null_text) -%}
    {%- set completed = text.get('completed_date', null_text) -%}
with received as (

    select *
    from {{ raw_or_empty('repairs', table_name) }} as raw_record

),

typed as (

    select
        {{ dbt.concat(["'" ~ contractor ~ "'", "':'", 'received.response_key']) }} as repair_id,
        '{{ contractor }}' as contractor,
        '{{ data_source }}' as data_source,
        received.response_key,
        {{ parse_dmy_timestamp(raised) }} as datetime_raised,
        {%- for name in ['email_staff', 'name_full', 'phone_1', 'phone_2', 'phone_3'] %}
        {{ repairs_text(text.get(name), 'personal', mask) }} as {{ name }},
        {%- endfor %}
        {{ text.get('property_address', null_text) }} as property_address,
        {{ text.get('postal_code_raw', null_text) }} as postal_code_raw,
        {{ text.get('property_reference_uh', null_text) }} as property_reference_uh,
        {{ text.get('description_of_work', null_text) }} as description_of_work,
        {{ text.get('trade_description', null_text) }} as trade_description,
        {{ priority }} as work_priority_description,
        {{ priority_code(priority) }} as work_priority_priority_code,
        {{ sor_code(sor) }} as sor,
        {{ money_value(value) }} as order_value,
        {{ parse_dmy_date(completed) }} as completed_date,
        {{ repairs_text(text.get('operative'), 'personal', mask) }} as operative,
        {{ text.get('recharge', null_text) }} as recharge,
        {{ text.get('form_ref', null_text) }} as form_ref,
        {%- for name, classification in [['vulnerability_flag', 'special_category'], ['vulnerability_notes', 'special_category'], ['alert_regarding_person', 'personal'], ['alert_regarding_person_notes', 'special_category']] %}
        {{ repairs_text(text.get(name), classification, mask) }} as {{ name }},
        {%- endfor %}
        {{ text.get('order_status_notes', null_text) }} as order_status_notes,
        {{ raised }} as datetime_raised_text,
        {{ sor }} as sor_text,
        {{ value }} as order_value_text,
        {{ completed }} as completed_date_text,
        {{ concat_ws_skip_nulls([
            "case when " ~ raised ~ " is not null and " ~ parse_dmy_timestamp(raised) ~ " is null then 'datetime_raised' end",
            "case when " ~ priority ~ " is not null and " ~ priority_code(priority) ~ " is null then 'work_priority_priority_code' end",
            "case when " ~ sor ~ " is not null and " ~ sor_code(sor) ~ " is null then 'sor' end",
            "case when " ~ value ~ " is not null and " ~ money_value(value) ~ " is null then 'order_value' end",
            "case when " ~ completed ~ " is not null and " ~ parse_dmy_date(completed) ~ " is null then 'completed_date' end",
        ]) }} as _cast_failures,
        case when received.response_key is null then 'missing key' end as _reject_reason,
        {{ dbt.safe_cast('received._import_date', dbt.type_timestamp()) }} as seen_on,
        {{ dbt.safe_cast('received._imported_at', dbt.type_timestamp()) }} as _imported_at,
        {{ dbt.safe_cast('received._import_date', 'date') }} as _import_date,
        received._import_step,
        received._source_ref,
        {{ dbt.safe_cast('received._record_index', dbt.type_bigint()) }} as _record_index,
        coalesce(received._incomplete_series = 'true', false) as _incomplete_series,
        received._dlt_load_id,
        received._dlt_id,
        {#- The import partition the response was read from: the repairs history's incremental runs filter on
            these, so only the new partitions' files are opened (history_new_records). #}
        received.import_year as _import_year,
        received.import_month as _import_month,
        received.import_day as _import_day
    from received

)

select *
from typed
{%- endmacro %}


{% macro repairs_text(expression, classification, mask) %}
    {#- A text field, masked outside prod when personal (invariant 5); null when the contractor has no such field. -#}
    {%- if expression is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif mask and classification != 'not_personal' -%}
        case when {{ expression }} is not null then {{ mask_value(expression) }} end
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{% endmacro %}


{% macro parse_dmy_timestamp(expression) %}
    {#- 'dd/MM/yyyy HH:mm:ss' (Google Forms' Timestamp, London time) -> timestamp; anything else -> null. -#}
    {%- set pattern = '^([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}:[0-9]{2}:[0-9]{2})$' -%}
    {%- set iso = dbt.concat([
        regex_extract(expression, pattern, 3), "'-'", regex_extract(expression, pattern, 2), "'-'",
        regex_extract(expression, pattern, 1), "' '", regex_extract(expression, pattern, 4)]) -%}
    {{ dbt.safe_cast(iso, dbt.type_timestamp()) }}
{%- endmacro %}


{% macro parse_dmy_date(expression) %}
    {#- 'dd/MM/yyyy', optionally followed by a time (Axis) -> date; anything else -> null. -#}
    {%- set pattern = '^([0-9]{2})/([0-9]{2})/([0-9]{4})( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$' -%}
    {%- set iso = dbt.concat([
        regex_extract(expression, pattern, 3), "'-'", regex_extract(expression, pattern, 2), "'-'",
        regex_extract(expression, pattern, 1)]) -%}
    {{ dbt.safe_cast(iso, 'date') }}
{%- endmacro %}


{% macro priority_code(expression) %}
    {#-
        Priority wording -> code: Immediate 1, Emergency 2, Urgent 3, Normal 4 (Routine is Normal), read from the first
        word, case-insensitive, a typo of up to two edits allowed ('Emergancy', 'Urgnet', 'Nromal'); a bare code 1-4
        is itself. Anything else is null, and the model names it in _cast_failures (repair_value_rejects lists it).
    -#}
    {%- set word = regex_extract('lower(' ~ expression ~ ')', '[a-z0-9]+') -%}
    case
        when {{ word }} in ('1', '2', '3', '4') then {{ dbt.safe_cast(word, dbt.type_int()) }}
        when {{ word }} = 'routine' then 4
        when {{ edit_distance(word, "'immediate'") }} <= 2 then 1
        when {{ edit_distance(word, "'emergency'") }} <= 2 then 2
        when {{ edit_distance(word, "'urgent'") }} <= 2 then 3
        when {{ edit_distance(word, "'normal'") }} <= 2 then 4
    end
{%- endmacro %}


{% macro sor_code(expression) %}
    {#- The schedule-of-rates code: the leading run of digits ('20060020 - Leaking tap' -> '20060020'). -#}
    {{ regex_extract(expression, '^([0-9]{5,12})([^0-9]|$)', 1) }}
{%- endmacro %}


{% macro money_value(expression) %}
    {#- Pounds as typed ('£1,234.50', '45', '£45') -> a number; anything else -> null. -#}
    {%- set plain = regex_replace(expression, '[£, ]', '') -%}
    case when {{ full_match(plain, '[0-9]+([.][0-9]{1,2})?') }} then {{ dbt.safe_cast(plain, type_double()) }} end
{%- endmacro %}


{% macro contact_phone(expression) %}
    {#- The phone number in a free-text contact field: the run of digits (spaces allowed inside), as typed. -#}
    trim({{ regex_extract(expression, '[0-9][0-9 ]{7,}[0-9]') }})
{%- endmacro %}


{% macro contact_name(expression) %}
    {#- The name in a free-text contact field: what is left once the digits and separators are gone. -#}
    nullif(trim({{ regex_replace(regex_replace(expression, '[0-9][0-9 ]{7,}[0-9]', ' '), '[ -]+', ' ') }}), '')
{%- endmacro %}


{% macro property_reference_clean(expression) %}
    {#- A housing property reference as typed ('P000123', '000123', 'p000123', 'P00 0123') -> 'P000123'; null when
        what was typed is not one. -#}
    {%- set compact = regex_replace('upper(' ~ expression ~ ')', '[^A-Z0-9]', '') -%}
    {%- set digits = regex_extract(compact, '^P?([0-9]{1,6})$', 1) -%}
    case when {{ digits }} is not null then {{ dbt.concat(["'P'", 'lpad(' ~ digits ~ ", 6, '0')"]) }} end
{%- endmacro %}
