"""participation: comments's registrations with the kernel (imported by manifest.py)."""
