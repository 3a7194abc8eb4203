"""The council data platform: orchestration, configuration and the command line."""
