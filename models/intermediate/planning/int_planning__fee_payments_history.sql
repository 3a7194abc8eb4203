-- Every version of every fee_payments record (SCD2), rebuilt from the change log in stg_tascomi__fee_payments.
{{ tascomi_history('fee_payments') }}
