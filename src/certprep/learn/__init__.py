"""Learning science over the engine: item statistics, IRT calibration, readiness, the adaptive
check, spaced repetition of mistakes (FSRS) and the study plan."""
