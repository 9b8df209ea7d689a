"""Behind the City's proxies: what the app believes of the X-Forwarded-* headers.

nginx ends TLS and passes the request on over plain HTTP, saying in X-Forwarded-For,
-Proto, -Host and -Port what the visitor's browser used. Without believing them Flask
thinks every request came over http:// from the proxy's address: the rate limits count
every visitor as one, and external URLs (e-mail links, feeds) name the wrong scheme.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app) -> None:
    """Believe the forwarded headers of the ``TRUSTED_PROXIES`` proxies in front, no more.

    Each trusted proxy adds one entry to each header; werkzeug's ProxyFix reads the
    rightmost ``TRUSTED_PROXIES`` entries, so whatever a client wrote left of them
    (a forged X-Forwarded-For, say) is not believed. With 0 the headers are ignored
    and the connection is the client. The proxies must set (not pass on) -Proto, -Host
    and -Port, as deploy/'s nginx configuration does.
    """
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
        )
