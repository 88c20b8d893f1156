"""cors_flask: CORS for Flask apps, configured like flask-cors, decided by cors_core (see docs/flask.md).

``CORS(app, **options)`` for an app or blueprint, ``@cross_origin(**options)`` for one view.
The options are flask-cors's; ``docs/migrating-from-flask-cors.md`` lists where they differ.
"""

from cors_core import PolicyError

from ._decorator import cross_origin
from ._extension import CORS
from ._translate import ResourceFallThroughWarning

__version__ = "0.1.0"

__all__ = ["CORS", "PolicyError", "ResourceFallThroughWarning", "__version__", "cross_origin"]
