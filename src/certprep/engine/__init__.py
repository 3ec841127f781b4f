"""The exam engine: forms, attempts (sections, flags, timer), the order choices are shown in, and
scoring."""
