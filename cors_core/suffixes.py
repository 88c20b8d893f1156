"""Public suffixes (domains anyone can register a site under), for the credential checks.

When the optional ``publicsuffixlist`` package is installed (``pip install cors-core[psl]``), the
full Public Suffix List it ships is used, private section included (``herokuapp.com``,
``github.io``): update it with ``pip install -U publicsuffixlist``. Otherwise a curated fallback
is used: every single-label domain (a TLD) plus the multi-label suffixes below, where people most
often host untrusted sites (shared hosting, dynamic DNS, cloud regions, country second levels).
``suffix_list_in_use()`` says which one a process uses.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

_MULTI_LABEL = frozenset(
    """
    github.io gitlab.io bitbucket.io herokuapp.com herokussl.com vercel.app now.sh netlify.app netlify.com
    pages.dev workers.dev web.app firebaseapp.com firebaseio.com appspot.com cloudfunctions.net run.app
    azurewebsites.net azurestaticapps.net azureedge.net azurefd.net cloudapp.net trafficmanager.net
    blob.core.windows.net cloudfront.net s3.amazonaws.com elasticbeanstalk.com amplifyapp.com
    ondigitalocean.app onrender.com fly.dev railway.app up.railway.app glitch.me repl.co replit.dev replit.app
    surge.sh ngrok.io ngrok-free.app ngrok.app loca.lt trycloudflare.com app.github.dev github.dev
    blogspot.com wordpress.com wixsite.com webflow.io readthedocs.io shopify.com myshopify.com deno.dev
    pythonanywhere.com codeberg.page duckdns.org no-ip.org ddns.net dynu.net freeddns.org eu.org
    co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk net.uk sch.uk
    com.au net.au org.au edu.au gov.au co.nz org.nz net.nz co.at or.at ac.at gv.at
    co.jp ne.jp or.jp ac.jp go.jp co.kr or.kr ne.kr com.cn net.cn org.cn gov.cn com.hk com.tw
    com.br net.br org.br com.ar com.mx co.in net.in org.in co.za org.za com.sg com.my com.tr
    co.il com.ua com.pl co.id com.ph com.vn com.sa com.eg com.ng co.ke com.co net.co org.co
    """.split()
)

# Suffixes with a region or similar label in them (AWS: one per region and service).
_PATTERNS = re.compile(
    r"(?:s3|s3-website|s3-accesspoint|s3-object-lambda|execute-api|lambda-url|elasticbeanstalk|"
    r"s3[.-]dualstack|s3-website[.-]dualstack)[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?"
    r"|[a-z0-9-]+\.elasticbeanstalk\.com|[a-z0-9-]+\.azurecontainerapps\.io|[a-z0-9-]+\.cloudapp\.azure\.com"
)


@lru_cache(maxsize=1)
def _psl() -> Any:
    """The full list, if the ``publicsuffixlist`` package is installed; None otherwise."""
    try:
        module: Any = importlib.import_module("publicsuffixlist")
    except ImportError:
        return None
    return module.PublicSuffixList(only_icann=False)


def _fallback(domain: str) -> bool:
    return "." not in domain or domain in _MULTI_LABEL or _PATTERNS.fullmatch(domain) is not None


def is_public_suffix(domain: str) -> bool:
    """True if *domain* (lowercase, A-labels) is a public suffix anyone can register under."""
    domain = domain.rstrip(".")
    if _fallback(domain):
        return True
    psl = _psl()
    return psl is not None and bool(psl.is_public(domain))


def known_suffixes() -> frozenset[str]:
    """The fixed multi-label suffixes of the curated list (tried as canaries for credentialed regexes)."""
    return _MULTI_LABEL


def suffix_list_in_use() -> str:
    """Which public-suffix list this process uses, for the docs and ``check`` output."""
    if _psl() is None:
        return "the curated fallback in cors_core/suffixes.py (install cors-core[psl] for the full Public Suffix List)"
    try:
        version = importlib.import_module("importlib.metadata").version("publicsuffixlist")
    except Exception:
        version = "unknown version"
    return f"the Public Suffix List of publicsuffixlist {version} (update: pip install -U publicsuffixlist), with the curated list"
