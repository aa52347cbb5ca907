"""facilities results: registrations with the kernel (DESIGN.md, "App contract")."""
