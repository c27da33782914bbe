"""Models of the council system (organisations, members, constituencies, councils, mandates...)."""
