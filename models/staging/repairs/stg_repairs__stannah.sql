-- Stannah's responses typed onto the repairs vocabulary: one row per received response (its junk column10 is not read).
{{ contractor_responses('stannah', 'Stannah', {
    'datetime_raised': 'timestamp',
    'email_staff': 'email_address',
    'name_full': 'resident_name',
    'property_address': 'address',
    'postal_code_raw': 'postcode',
    'phone_1': 'telephone',
    'description_of_work': 'work_required',
    'work_priority_description': 'priority',
    'sor': 'sors_frequent_use_only',
    'order_value': 'value_costs',
    'completed_date': 'date_completed',
}) }}
