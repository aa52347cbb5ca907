"""facilities penalties: registrations with the kernel (DESIGN.md, "App contract")."""
