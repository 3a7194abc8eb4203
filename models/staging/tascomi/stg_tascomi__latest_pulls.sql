-- The latest landed import of each tascomi table (its import log), built once per build for the lookup staging views.
{{ latest_pulls('tascomi') }}
