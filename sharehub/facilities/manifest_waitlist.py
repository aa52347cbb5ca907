"""facilities waitlist: registrations with the kernel (DESIGN.md, "App contract")."""
