-- The adults the council-tax records place on each account today (current versions of the latest complete
-- snapshots): its liable parties and the non-liable adults recorded at the property, one row per entry, with whether
-- each occupies the property (a liable owner living elsewhere does not).
with liable as (

    select
        account_ref,
        'liable' as occupant_role,
        liable_person_key as occupant_key,
        liab_pos as liable_position,
        cast(null as {{ dbt.type_string() }}) as non_liable_type,
        liab_pers_occ = 'Y' as is_occupying
    from {{ ref('int_revenues__ctliab_person_history') }}
    where is_current

),

non_liable as (

    select
        account_ref,
        'non_liable' as occupant_role,
        non_liable_person_key as occupant_key,
        cast(null as integer) as liable_position,
        nonliab_type as non_liable_type,
        nonliab_occ = 'Y' as is_occupying
    from {{ ref('int_revenues__ctnon_liab_history') }}
    where is_current

)

select * from liable
union all
select * from non_liable
