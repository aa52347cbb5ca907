"""participation: answers — writes (stub, to be filled)."""
