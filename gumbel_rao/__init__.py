__version__ = "0.1.0"

# Explicit registration: importing the estimator modules registers every estimator with `estimators.make_estimator`.
from . import estimators, zoo, zoo_gr, zoo_recent
