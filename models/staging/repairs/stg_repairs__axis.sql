-- Axis's responses typed onto the repairs vocabulary: one row per received response (its completed date carries a time).
{{ contractor_responses('axis', 'Axis', {
    'datetime_raised': 'timestamp',
    'email_staff': 'email',
    'name_full': 'resident_name',
    'property_address': 'address',
    'postal_code_raw': 'postcode',
    'phone_1': 'phone',
    'description_of_work': 'job_description',
    'work_priority_description': 'priority',
    'sor': 'sor',
    'order_value': 'order_value',
    'completed_date': 'completed_date',
}) }}
