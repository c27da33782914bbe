"""Django admin registrations for the councils app."""
