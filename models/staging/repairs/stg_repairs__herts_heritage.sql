-- Herts Heritage's jobs typed onto the repairs vocabulary: one row per received job. Its files hold only new jobs, so
-- a job is identified by its time stamp (response_key), and later edits never arrive.
{{ contractor_responses('herts_heritage', 'Herts Heritage', {
    'datetime_raised': 'time_stamp',
    'name_full': 'name',
    'property_address': 'address',
    'postal_code_raw': 'post_code',
    'phone_1': 'contact_information_for_access',
    'description_of_work': 'description_of_works',
    'work_priority_description': 'priority',
    'sor': 'sor',
    'order_status_notes': 'status_notes',
    'completed_date': 'completed_date',
}) }}
