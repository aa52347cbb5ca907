"""facilities' registrations with the kernel (see DESIGN.md, "App contract")."""
