"""participation: review's registrations with the kernel (imported by manifest.py)."""
