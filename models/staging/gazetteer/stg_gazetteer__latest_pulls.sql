-- The latest landed import of each gazetteer table (its import log), built once per build for the lookup staging views.
{{ latest_pulls('gazetteer') }}
