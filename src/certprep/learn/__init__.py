"""Learning science: item statistics, IRT calibration and readiness (spaced repetition next)."""
