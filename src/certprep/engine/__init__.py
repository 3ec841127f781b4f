"""The exam engine: forms, attempts (sections, flags, timer) and scoring."""
