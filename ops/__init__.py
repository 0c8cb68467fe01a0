"""Commands for a deployed stack (and the local one): the vendor's own administration."""
