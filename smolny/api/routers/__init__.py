"""One router per area of the council system."""
