"""participation: review — writes (stub, to be filled)."""
