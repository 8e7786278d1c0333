"""planforge: customer-retention campaign plans as checked, printable documents."""

__version__ = "0.1.0"
