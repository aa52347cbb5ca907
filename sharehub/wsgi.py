import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharehub.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Load what every request needs (the URLs, and through them every view module), then move
    everything loaded so far out of the garbage collector's reach. The apps, their models, URLs
    and translations are some 300,000 objects that live as long as the process; a full collection
    walks them all (about 0.2 s on this machine, every few dozen requests: a page's p95). Frozen,
    a collection walks only what requests create."""
    from sharehub.search.analysis import kiwi  # noqa: PLC0415 - needs the apps loaded

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    # Korean search's morphological model (kiwipiepy): loading it takes 1 to 5 s, which the
    # first person to search after each start would otherwise wait.
    kiwi()
    gc.freeze()


_settle()
