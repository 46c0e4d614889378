"""Response headers every response carries: errors and static files too."""

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
# The embeddable snippet may be framed by the municipality's own site.
EMBED_CSP = CSP.replace("frame-ancestors 'self'", "frame-ancestors *")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response, *, https: bool, embeddable: bool = False):
    """Set CSP, nosniff, referrer and permissions policies, and HSTS on https."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", EMBED_CSP if embeddable else CSP)
    if not embeddable:
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if https:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response
