-- Avonline's responses typed onto the repairs vocabulary: one row per received response. Phone and name arrive in
-- one free-text contact field (split: digits -> phone_1, letters -> name_full).
{{ contractor_responses('avonline', 'Avonline', {
    'datetime_raised': 'timestamp',
    'email_staff': 'email_address',
    'contact_information': 'contact_information',
    'property_address': 'address_of_repair',
    'postal_code_raw': 'postcode',
    'description_of_work': 'description_of_work',
    'trade_description': 'trade',
    'work_priority_description': 'priority',
    'sor': 'call_out_sors',
    'order_value': 'order_value',
    'completed_date': 'date_completed',
}) }}
