"""Test and benchmark support that ships with the package (a throwaway PostgreSQL server)."""
