"""A compact public-suffix check for wildcard origin patterns used with credentials.

The core has no dependencies, so it does not ship the whole Public Suffix List. It treats every
single-label domain (a TLD) as public and knows the multi-label suffixes where people most often
host untrusted sites (shared hosting, country second levels). A wildcard over any of them, used
with credentials, is refused unless explicitly opted into.
"""

from __future__ import annotations

_MULTI_LABEL = frozenset(
    """
    github.io gitlab.io bitbucket.io herokuapp.com herokussl.com vercel.app now.sh netlify.app netlify.com
    pages.dev workers.dev web.app firebaseapp.com appspot.com cloudfunctions.net azurewebsites.net
    azurestaticapps.net cloudapp.net trafficmanager.net blob.core.windows.net cloudfront.net
    s3.amazonaws.com elasticbeanstalk.com execute-api.us-east-1.amazonaws.com amplifyapp.com
    onrender.com fly.dev railway.app glitch.me repl.co replit.dev surge.sh ngrok.io ngrok-free.app
    ngrok.app loca.lt trycloudflare.com blogspot.com wordpress.com wixsite.com webflow.io
    readthedocs.io shopify.com myshopify.com deno.dev pythonanywhere.com codeberg.page
    co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk net.uk sch.uk
    com.au net.au org.au edu.au gov.au co.nz org.nz net.nz
    co.jp ne.jp or.jp ac.jp go.jp co.kr or.kr ne.kr com.cn net.cn org.cn gov.cn com.hk com.tw
    com.br net.br org.br com.ar com.mx co.in net.in org.in co.za org.za com.sg com.my com.tr
    co.il com.ua com.pl co.id com.ph com.vn com.sa com.eg com.ng co.ke
    """.split()
)


def is_public_suffix(domain: str) -> bool:
    """True if *domain* (lowercase, A-labels) is a public suffix anyone can register under."""
    domain = domain.rstrip(".")
    return "." not in domain or domain in _MULTI_LABEL
