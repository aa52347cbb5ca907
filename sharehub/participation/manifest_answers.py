"""participation: answers's registrations with the kernel (imported by manifest.py)."""
