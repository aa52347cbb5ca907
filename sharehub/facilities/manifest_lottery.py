"""facilities lottery: registrations with the kernel (DESIGN.md, "App contract")."""
