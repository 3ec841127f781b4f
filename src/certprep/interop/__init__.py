"""Open formats in and out: QTI 2.1 packages, Moodle XML and GIFT (export and import), Anki decks,
JSON and CSV, and a learner's backup."""
