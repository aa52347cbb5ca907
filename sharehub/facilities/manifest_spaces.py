"""facilities spaces: registrations with the kernel (DESIGN.md, "App contract")."""
