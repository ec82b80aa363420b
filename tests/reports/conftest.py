from tests.evaluation.conftest import homes, township_mz  # noqa: F401  (shared data set and township post)
