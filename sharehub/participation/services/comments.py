"""participation: comments — writes (stub, to be filled)."""
