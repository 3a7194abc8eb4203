"""Housing repairs sandbox."""
