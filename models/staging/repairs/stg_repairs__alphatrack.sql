-- Alphatrack's responses typed onto the repairs vocabulary: one row per received response. Phone and name arrive in
-- one free-text contact field (split: digits -> phone_1, letters -> name_full).
{{ contractor_responses('alphatrack', 'Alphatrack', {
    'datetime_raised': 'timestamp',
    'email_staff': 'email_address',
    'contact_information': 'contact_information',
    'property_address': 'property_address',
    'postal_code_raw': 'postcode',
    'description_of_work': 'job_description',
    'work_priority_description': 'priority',
    'sor': 'call_out_sors',
    'order_value': 'value',
    'completed_date': 'completed_date',
}) }}
