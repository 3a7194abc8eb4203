-- Current decision_types (lookup, pulled in full on a schedule): the latest full pull, one row per id.
{{ tascomi_latest_full_pull('decision_types') }}
