"""Price calculation: the classic trading calculation (Handelskalkulation) of a licensed module."""
