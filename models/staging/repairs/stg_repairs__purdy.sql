-- Purdy's responses typed onto the repairs vocabulary: one row per received response (its junk column11 is not read).
{{ contractor_responses('purdy', 'Purdy', {
    'datetime_raised': 'timestamp',
    'email_staff': 'email_address',
    'name_full': 'tenant_name',
    'property_address': 'address_of_property',
    'postal_code_raw': 'postcode',
    'phone_1': 'tel_no',
    'description_of_work': 'description',
    'trade_description': 'trade',
    'work_priority_description': 'priority',
    'sor': 'sor_code',
    'order_value': 'cost',
    'completed_date': 'date_completed',
}) }}
