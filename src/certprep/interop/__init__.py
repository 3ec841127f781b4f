"""Open formats in and out: Anki decks, JSON and CSV, learner backups (QTI and Moodle next)."""
