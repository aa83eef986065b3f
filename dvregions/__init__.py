"""Data, validation, charts and build tools for the regional domestic-violence book."""
